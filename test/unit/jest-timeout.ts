// Unit tests are pure and fast; a slow one is a bug.
jest.setTimeout(20_000);
