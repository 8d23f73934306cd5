// Integration tests wait on real services and a real CPU-bound model.
jest.setTimeout(600_000);
