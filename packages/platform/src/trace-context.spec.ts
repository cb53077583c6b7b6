import { childSpan, continueTrace, formatTraceparent, nextHopHeader, parseTraceparent } from './trace-context';

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

  it('continues a caller trace with a new span, and starts a sampled one without it', () => {
    const continued = continueTrace(`00-${TRACE}-${SPAN}-00`);
    expect(continued.traceId).toBe(TRACE);
    expect(continued.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(continued.spanId).not.toBe(SPAN);
    expect(continued.flags).toBe('00');
    const fresh = continueTrace('garbage');
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.flags).toBe('01');
    expect(continueTrace(undefined).traceId).not.toBe(fresh.traceId);
  });

  it('gives the next hop a child of what was stored, and nothing for nothing stored', () => {
    const header = nextHopHeader(`00-${TRACE}-${SPAN}-01`).traceparent;
    expect(parseTraceparent(header)).toMatchObject({ traceId: TRACE, flags: '01' });
    expect(header).not.toContain(SPAN);
    expect(nextHopHeader(null)).toEqual({});
    expect(nextHopHeader('not a trace')).toEqual({});
    expect(childSpan({ traceId: TRACE, spanId: SPAN, flags: '01' }).traceId).toBe(TRACE);
  });
});
