import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errorSummary, failure, nonRetryableErrorTypes, sanitisedFailure } from '../../src/clients/errors.js';
import { graphqlErrorPath } from '../../src/clients/twenty-client.js';

const schema = buildSchema(`
  input FullName { firstName: String, lastName: String }
  input Emails { primaryEmail: String }
  input PersonCreateInput { name: FullName, emails: Emails, totalRentals: Int }
  type Query { ok: Int }
  type Mutation { createPerson(data: PersonCreateInput!): Int }`);

/** graphql-js's own wording of a refused variable, which quotes the value it refused. */
async function variableError(data: unknown): Promise<string> {
  const res = await graphql({ schema, source: 'mutation M($data: PersonCreateInput!) { createPerson(data: $data) }', variableValues: { data } });
  return res.errors![0]!.message;
}

describe('the error vocabulary', () => {
  it.each([
    [{ name: { firstName: 'Ilona', lastName: 'Kardos' }, kgcCustomerId: 'C-1' }, ['data', 'kgcCustomerId']],
    [{ name: { firstName: 'Ilona' }, emails: { primaryEmail: 'ilona@example.hu', verified: true } }, ['data', 'emails', 'verified']],
    [{ name: { firstName: 'Ilona' }, totalRentals: 'ilona@example.hu' }, ['data', 'totalRentals']],
  ])('keeps the field path of a refused GraphQL variable and none of its value (%#)', async (data, path) => {
    const message = await variableError(data);
    expect(message, 'graphql-js quotes the value').toMatch(/ilona/i);
    expect(graphqlErrorPath({ message })).toEqual(path);
  });

  it('logs foreign errors by type and code only, ours with their fixed message', () => {
    const foreign = Object.assign(new Error('Failed query: insert … params: Kardos Ilona,ilona@example.hu'), { code: '23514' });
    expect(errorSummary(foreign)).toEqual({ type: 'Error', code: '23514' });
    expect(errorSummary('Kardos Ilona')).toBe('[message withheld]');
    const ours = failure('TwentyRejected', 'Twenty BAD_USER_INPUT at data.kgcCustomerId', { detail: { system: 'Twenty', code: 'BAD_USER_INPUT' } });
    expect(errorSummary(ours)).toMatchObject({ type: 'TwentyRejected', message: 'Twenty BAD_USER_INPUT at data.kgcCustomerId' });
  });

  it('turns a foreign error into a retryable failure of its class without its message', () => {
    class UpstreamError extends Error {}
    const f = sanitisedFailure(new UpstreamError('Kardos Ilona is Online'));
    expect(f).toMatchObject({ type: 'UpstreamError', nonRetryable: false });
    expect(f.message).not.toContain('Kardos');
  });

  it('derives the non-retryable types from the vocabulary, including the two that used to escape as retryable', () => {
    expect(nonRetryableErrorTypes).toEqual(expect.arrayContaining(['ConfigurationError', 'PermanentHttpError', 'TwentyRejected', 'InvalidKgcData', 'TwentyNotFoundError', 'ChatwootValidationError']));
    expect(nonRetryableErrorTypes).not.toContain('DatabaseError');
    expect(nonRetryableErrorTypes).not.toContain('RateLimited');
  });
});
