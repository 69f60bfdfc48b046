import { TwentyNotFoundError } from '../clients/errors.js';
import type { TwentyClient } from '../clients/twenty-client.js';
import { twentyRecordId } from '../domain/ids.js';
import { franchiseNote, type FranchiseNoteKind } from '../templates/franchise-notes.js';
import type { ActivityDeps } from './context.js';
import { requireTwenty } from './twenty-access.js';

const readOpportunity = /* GraphQL */ `
  query OnboardingOpportunity($id: UUID!) {
    opportunity(filter: { id: { eq: $id } }) { id stage kgcTenantId franchisePackage pointOfContactId }
  }`;

const wonWithoutTenant = /* GraphQL */ `
  query WonDealsWithoutTenant($stage: OpportunityStageEnum!, $first: Int!, $after: String) {
    opportunities(filter: { and: [{ stage: { eq: $stage } }, { kgcTenantId: { is: NULL } }] }, first: $first, after: $after) {
      edges { node { id } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const writeTenant = /* GraphQL */ `
  mutation OpportunityTenant($id: UUID!, $data: OpportunityUpdateInput!) { updateOpportunity(id: $id, data: $data) { id } }`;

const upsertNote = /* GraphQL */ `
  mutation OpportunityNote($data: NoteCreateInput!) { createNote(data: $data, upsert: true) { id } }`;

const upsertNoteTarget = /* GraphQL */ `
  mutation OpportunityNoteTarget($data: NoteTargetCreateInput!) { createNoteTarget(data: $data, upsert: true) { id } }`;

export interface OnboardingOpportunity {
  found: boolean;
  stage?: string | null;
  kgcTenantId?: string | null;
  franchisePackage?: string | null;
  personId?: string | null;
}

/** One note per opportunity and kind: its id is derived, so a retry or a second run rewrites the same note. */
const noteId = (opportunityId: string, kind: FranchiseNoteKind) => twentyRecordId('note', `franchise/${opportunityId}/${kind}`);

/** Franchise onboarding's Twenty calls, one request each (they run on the paced `<queue>-twenty`). */
export function createTwentyOpportunityActivities({ twenty }: ActivityDeps) {
  const client = (): TwentyClient => requireTwenty(twenty);
  return {
    async readOnboardingOpportunity({ opportunityId }: { opportunityId: string }): Promise<OnboardingOpportunity> {
      type Row = { stage: string | null; kgcTenantId: string | null; franchisePackage: string | null; pointOfContactId: string | null };
      let o: Row | null;
      try {
        o = (await client().query<{ opportunity: Row | null }>(readOpportunity, { id: opportunityId })).opportunity;
      } catch (err) {
        // Twenty answers a findOne without a match (a deal deleted since) with NOT_FOUND.
        if (err instanceof TwentyNotFoundError) return { found: false };
        throw err;
      }
      if (!o) return { found: false };
      return { found: true, stage: o.stage, kgcTenantId: o.kgcTenantId, franchisePackage: o.franchisePackage, personId: o.pointOfContactId };
    },

    /** One page of the won deals that have no KGC tenant yet (the won-deal sweep). */
    async listWonDealsWithoutTenant(page: { wonStage: string; pageSize: number; after?: string }): Promise<{ opportunityIds: string[]; next?: string }> {
      type Page = { opportunities: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      const { opportunities } = await client().query<Page>(wonWithoutTenant, { stage: page.wonStage, first: page.pageSize, after: page.after ?? null });
      const next = opportunities.pageInfo.hasNextPage ? (opportunities.pageInfo.endCursor ?? undefined) : undefined;
      return { opportunityIds: opportunities.edges.map((e) => e.node.id), ...(next && { next }) };
    },

    /** Only `kgcTenantId` changes: the webhook this write causes names no other field, so it starts nothing. */
    async writeOpportunityTenant({ opportunityId, tenantId }: { opportunityId: string; tenantId: string }): Promise<void> {
      await client().query(writeTenant, { id: opportunityId, data: { kgcTenantId: tenantId } });
    },

    async writeOpportunityNote(input: { opportunityId: string; kind: FranchiseNoteKind; tenantId?: string; packageName?: string }): Promise<{ noteId: string }> {
      const note = franchiseNote(input.kind, { tenantId: input.tenantId, packageName: input.packageName });
      const id = noteId(input.opportunityId, input.kind);
      await client().query(upsertNote, { data: { id, title: note.title, bodyV2: { markdown: note.markdown } } });
      return { noteId: id };
    },

    async attachOpportunityNote({ opportunityId, kind }: { opportunityId: string; kind: FranchiseNoteKind }): Promise<void> {
      const id = noteId(opportunityId, kind);
      await client().query(upsertNoteTarget, { data: { id: twentyRecordId('noteTarget', id), noteId: id, opportunityId } });
    },
  };
}
