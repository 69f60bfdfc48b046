/**
 * GraphQL documents the live batcher and the bulk sync share: who owns a set of emails, and a batch person upsert.
 * Each caller names its own operation, so Twenty's logs and the budget checks tell live writes from bulk ones.
 */

/** Soft-deleted people count too: Twenty's upsert matches them, and a filter without deletedAt hides them. */
export const emailOwnersQuery = (operation: string) => /* GraphQL */ `
  query ${operation}($emails: [String!]!, $after: String) {
    people(
      filter: { emails: { primaryEmail: { in: $emails } }, or: [{ deletedAt: { is: NULL } }, { deletedAt: { is: NOT_NULL } }] }
      first: 200
      after: $after
    ) { pageInfo { hasNextPage endCursor } edges { node { id emails { primaryEmail } } } }
  }`;

export const upsertPeopleMutation = (operation: string) => /* GraphQL */ `
  mutation ${operation}($data: [PersonCreateInput!]!) { createPeople(data: $data, upsert: true) { id } }`;
