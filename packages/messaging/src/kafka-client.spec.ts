import { parseBrokers } from './kafka-client';

describe('parseBrokers', () => {
  it('splits a comma-separated list and trims blanks', () => {
    expect(parseBrokers(' a:9092, b:9093 ,,')).toEqual(['a:9092', 'b:9093']);
  });

  it('keeps an array as given, minus empty entries', () => {
    expect(parseBrokers(['a:1', ' '])).toEqual(['a:1']);
  });
});
