import { ApiError, problemBody } from '../../src/shared/errors';

describe('problemBody', () => {
  it('keeps the extra fields beside the contract fields', () => {
    expect(problemBody(new ApiError('CANNOT_CANCEL', 'Already final.', { uti: 'u1', transactionStatus: 'CANCELLED' }))).toEqual({
      type: 'about:blank',
      status: 409,
      code: 'CANNOT_CANCEL',
      title: 'The transaction can no longer be cancelled',
      detail: 'Already final.',
      uti: 'u1',
      transactionStatus: 'CANCELLED',
    });
  });

  it('never lets an extra field replace the HTTP status, the code, the title or the detail', () => {
    const body = problemBody(new ApiError('NOT_FOUND', 'No such transaction.', { status: 'CANCELLED', code: 'X', title: 'x', detail: 'x' }));
    expect(body).toMatchObject({ status: 404, code: 'NOT_FOUND', title: 'No such transaction', detail: 'No such transaction.' });
  });
});
