/** Where a chat worklog request came from: Koko's `szerviz` intent with a fault, or an agent's `munkalap` label. */
export type ChatWorklogSource = 'koko' | 'label';

export interface ChatWorklogInput {
  conversationId: number;
  /** `koko:<message id>` or `label:<conversation updated_at>`: with the conversation id, the worklog's Idempotency-Key. */
  requestId: string;
  source: ChatWorklogSource;
  /** KOKO_TEAMS' service team, for a customer who cannot be identified. */
  teamId?: number;
}

export type ChatWorklogResult =
  | { status: 'opened'; conversationId: number; worklogId: string; customerId: string }
  | { status: 'exists'; conversationId: number; worklogId: string | null }
  | { status: 'unidentified'; conversationId: number; reason: string };
