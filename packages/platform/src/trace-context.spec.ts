import { childSpan, formatTraceparent, newTrace, parseTraceparent } from './trace-context';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('traceparent', () => {
  it('reads a valid header and writes it back the same', () => {
    const value = `00-${TRACE}-${SPAN}-01`;
    expect(parseTraceparent(value)).toEqual({ traceId: TRACE, spanId: SPAN, flags: '01' });
    expect(formatTraceparent(parseTraceparent(value)!)).toBe(value);
  });

  it.each([
    ['absent', undefined],
    ['not a string', ['00']],
    ['upper case', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with a fifth field', `00-${TRACE}-${SPAN}-01-extra`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['arbitrary bytes', '\u0000\uffff-\n'],
  ])('refuses %s', (_case, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('accepts a later version with more fields, as the spec asks', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-more`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: '01' });
  });

  it('makes a child span of the same trace, and new sampled traces', () => {
    const child = childSpan({ traceId: TRACE, spanId: SPAN, flags: '00' });
    expect(child).toMatchObject({ traceId: TRACE, flags: '00' });
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe(SPAN);
    const fresh = newTrace();
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.flags).toBe('01');
    expect(newTrace().traceId).not.toBe(fresh.traceId);
  });

  it('keeps making distinct, well-formed ids past the refills of its random pool', () => {
    const traces = Array.from({ length: 1000 }, () => newTrace());
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(1000);
    expect(new Set(traces.map((t) => t.spanId)).size).toBe(1000);
    expect(traces.every((t) => /^[0-9a-f]{32}$/.test(t.traceId) && /^[0-9a-f]{16}$/.test(t.spanId))).toBe(true);
  });
});
