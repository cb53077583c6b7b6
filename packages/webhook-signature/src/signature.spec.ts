import { Webhook } from 'standardwebhooks';
import { generateSecret, secretKey, sign, signedHeaders, verify } from './signature';

// The published Standard Webhooks test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('sign', () => {
  it('reproduces the Standard Webhooks test vector', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('signs bytes and strings alike', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, Buffer.from(VECTOR.body))).toBe(VECTOR.signature);
  });

  it('what it signs verifies with the standardwebhooks reference library, for each rotated secret', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: 'evt_1', type: 'payment.succeeded', note: 'héllo ✓' });
    const headers = signedHeaders([newSecret, oldSecret], 'dlv_1', now, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(newSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(new Webhook(oldSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow(/No matching signature/);
  });
});

describe('verify', () => {
  const now = VECTOR.timestamp;
  const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(now), 'webhook-signature': VECTOR.signature };

  it('accepts the test vector, also among other signatures and secrets', () => {
    expect(verify(VECTOR.body, headers, { secrets: [VECTOR.secret], now })).toEqual({ ok: true, id: VECTOR.id, timestamp: now });
    const many = { ...headers, 'webhook-signature': `v1,bm9wZQ== v2,xyz ${VECTOR.signature}` };
    expect(verify(VECTOR.body, many, { secrets: [generateSecret(), VECTOR.secret], now }).ok).toBe(true);
  });

  it.each([
    ['a changed body', '{"test": 2432232315}', headers, 'no_matching_signature'],
    ['another id', VECTOR.body, { ...headers, 'webhook-id': 'msg_other' }, 'no_matching_signature'],
    ['a missing signature', VECTOR.body, { ...headers, 'webhook-signature': '' }, 'missing_headers'],
    ['a non-numeric timestamp', VECTOR.body, { ...headers, 'webhook-timestamp': '12e3' }, 'invalid_timestamp'],
    ['a timestamp 301 s old', VECTOR.body, { ...headers, 'webhook-timestamp': String(now - 301) }, 'timestamp_too_old'],
    ['a timestamp 301 s ahead', VECTOR.body, { ...headers, 'webhook-timestamp': String(now + 301) }, 'timestamp_too_new'],
  ])('refuses %s', (_, body, given, reason) => {
    expect(verify(body, given, { secrets: [VECTOR.secret], now })).toEqual({ ok: false, reason });
  });

  it('still verifies each secret when more secrets are used than it keeps prepared keys for', () => {
    const secrets = Array.from({ length: 300 }, () => generateSecret());
    for (const round of [1, 2]) {
      for (const secret of [VECTOR.secret, ...secrets]) {
        const signed = signedHeaders([secret], `msg_${round}`, now, VECTOR.body);
        expect(verify(VECTOR.body, { ...signed }, { secrets: [secret], now }).ok).toBe(true);
        expect(verify(VECTOR.body, { ...signed }, { secrets: [secrets[0] === secret ? secrets[1] : secrets[0]], now }).ok).toBe(false);
      }
    }
    expect(verify(VECTOR.body, headers, { secrets: [VECTOR.secret], now }).ok).toBe(true);
  });

  it('accepts timestamps exactly at the tolerance either way (the signature is then what decides)', () => {
    for (const skew of [-300, 300]) {
      const result = verify(VECTOR.body, { ...headers, 'webhook-timestamp': String(now + skew) }, { secrets: [VECTOR.secret], now });
      expect(result).toEqual({ ok: false, reason: 'no_matching_signature' });
    }
  });
});

describe('secrets', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(a)).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });

  it.each(['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_short', 'whsec_not base64!!', `whsec_${Buffer.alloc(65).toString('base64')}`])(
    'refuses %s as a secret',
    (secret) => {
      expect(secretKey(secret)).toBeUndefined();
    },
  );
});
