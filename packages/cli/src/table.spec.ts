import { table } from './table';

describe('table', () => {
  it('aligns columns under the header and shows a missing value as -', () => {
    expect(table(['id', 'status', 'code'], [['msg_1', 'delivered', 204], ['msg_22', 'failed', null]])).toBe(
      ['id      status     code', 'msg_1   delivered  204', 'msg_22  failed     -'].join('\n'),
    );
  });

  it('says (none) under the header when there are no rows', () => {
    expect(table(['id'], [])).toBe('id\n(none)');
  });
});
