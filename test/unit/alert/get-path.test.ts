import { getPath } from '../../../src/core/alert';

describe('getPath', () => {
  test.each([
    ['nested', { a: { b: { c: 1 } } }],
    ['flattened', { 'a.b.c': 1 }],
    ['flattened head, nested tail', { 'a.b': { c: 1 } }],
    ['nested head, flattened tail', { a: { 'b.c': 1 } }],
  ])('reads a.b.c when %s', (_shape, record) => {
    expect(getPath(record, 'a.b.c')).toBe(1);
  });

  it('prefers the flatter spelling when both exist, as Kibana does', () => {
    expect(getPath({ 'a.b': { c: 'flat' }, a: { b: { c: 'nested' } } }, 'a.b.c')).toBe('flat');
  });

  it('looks past a null under one spelling to a value under another', () => {
    expect(getPath({ 'host.name': null, host: { name: 'web-1' } }, 'host.name')).toBe('web-1');
  });

  it('returns objects and arrays as they are, and undefined when nothing matches', () => {
    const record = { host: { ip: ['10.0.0.1'] }, kibana: { alert: { uuid: 'x' } } };
    expect(getPath(record, 'host.ip')).toEqual(['10.0.0.1']);
    expect(getPath(record, 'kibana.alert')).toEqual({ uuid: 'x' });
    expect(getPath(record, 'host.name')).toBeUndefined();
    expect(getPath(record, 'host.ip.0')).toBeUndefined();
  });

  it('reads only own properties, so __proto__ or constructor in the path never reach the prototype', () => {
    const record = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": 1}') as Record<string, unknown>;
    expect(getPath(record, '__proto__.polluted')).toBe('yes');
    expect(getPath({ a: 1 }, 'constructor')).toBeUndefined();
    expect(getPath({ a: 1 }, '__proto__.toString')).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
