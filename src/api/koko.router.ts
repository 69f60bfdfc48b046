import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { asc, eq } from 'drizzle-orm';
import express, { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { kokoAdminTexts, kokoSuggestions, type KokoSuggestionStatus } from '../db/schema.js';
import { logger } from '../logger.js';

import { adminAuth, consoleAdmin, type AdminAuth } from './admin-auth.js';
import { ApiError, zodDetails } from './errors.js';
import { decideUpdate, type KokoDecision, type KokoDecisionResult } from '../contracts/workflow-messages.js';

const by = z.string().trim().min(1).max(100);
// `by` is required on the bearer API; in the console it is the signed-in admin and whatever the body says is ignored.
const approveBody = z.object({ by: by.optional(), reply: z.string().trim().min(1).max(2000).optional() }).strict();
const rejectBody = z.object({ by: by.optional(), reason: z.string().trim().min(1).max(1000).optional() }).strict();
const statuses: KokoSuggestionStatus[] = ['classified', 'auto_sent', 'pending', 'approved', 'rejected', 'expired', 'superseded', 'escalated'];

/**
 * Admins' Koko endpoints (README "HTTP endpoints"): list suggestions, approve (optionally edited) or reject one.
 * The decision goes to the conversation's workflow as a Temporal Update, so the answer is the workflow's: sent
 * once Chatwoot has the message. Texts an admin writes are stored here first; the Update carries their id.
 */
export function kokoRouter(deps: AdminAuth & { db: Db; temporal: Client }): Router {
  const router = Router();
  router.use('/koko', adminAuth(deps), express.json({ limit: '64kb' }));

  router.get('/koko/suggestions', async (req, res) => {
    const status = (req.query.status ?? 'pending') as KokoSuggestionStatus;
    if (!statuses.includes(status)) {
      throw new ApiError(400, 'invalid_status', `Unknown status ${String(status).slice(0, 40)}`, [{ path: 'query.status', message: `one of ${statuses.join(', ')}` }]);
    }
    const rows = await deps.db.select().from(kokoSuggestions).where(eq(kokoSuggestions.status, status)).orderBy(asc(kokoSuggestions.createdAt)).limit(500);
    res.json(
      rows.map((r) => ({
        id: r.id,
        conversationId: r.conversationId,
        intent: r.intent,
        confidence: r.confidence,
        suggestedReply: r.suggestedReply,
        accountData: r.accountData,
        createdAt: r.createdAt,
        expiresAt: r.expiresAt,
      })),
    );
  });

  router.post('/koko/suggestions/:id/approve', async (req, res) => {
    const body = approveBody.safeParse(req.body ?? {});
    const shape = 'Body must be {"by": "…", "reply"?: "…"}';
    if (!body.success) throw new ApiError(400, 'invalid_body', shape, zodDetails(body.error));
    const who = decidedBy(res, body.data.by, shape);
    const s = await pendingSuggestion(String(req.params.id));
    const textId = body.data.reply ? await storeText(s, 'reply', body.data.reply, who) : undefined;
    const result = await decide(s, { suggestionId: s.id, decision: 'approve', by: who, textId });
    if (result.status !== 'sent') throw new ApiError(409, 'not_sent', `The reply was not sent: ${result.status === 'not_sent' ? result.reason : result.status}`);
    res.json({ status: 'sent', messageId: result.messageId });
  });

  router.post('/koko/suggestions/:id/reject', async (req, res) => {
    const body = rejectBody.safeParse(req.body ?? {});
    const shape = 'Body must be {"by": "…", "reason"?: "…"}';
    if (!body.success) throw new ApiError(400, 'invalid_body', shape, zodDetails(body.error));
    const who = decidedBy(res, body.data.by, shape);
    const s = await pendingSuggestion(String(req.params.id));
    const textId = body.data.reason ? await storeText(s, 'reason', body.data.reason, who) : undefined;
    await decide(s, { suggestionId: s.id, decision: 'reject', by: who, textId });
    res.json({ status: 'rejected' });
  });

  type Suggestion = typeof kokoSuggestions.$inferSelect;

  async function pendingSuggestion(id: string): Promise<Suggestion> {
    const [s] = await deps.db.select().from(kokoSuggestions).where(eq(kokoSuggestions.id, id.slice(0, 64)));
    if (!s) throw new ApiError(404, 'suggestion_not_found', `No Koko suggestion ${id.slice(0, 64)}`);
    if (s.status !== 'pending') throw alreadyDecided(s.id, s.status);
    return s;
  }

  async function storeText(s: Suggestion, kind: 'reply' | 'reason', text: string, writtenBy: string): Promise<string> {
    const id = randomUUID();
    await deps.db.insert(kokoAdminTexts).values({ id, suggestionId: s.id, conversationId: s.conversationId, kind, text, writtenBy });
    return id;
  }

  async function decide(s: Suggestion, d: KokoDecision): Promise<KokoDecisionResult> {
    try {
      return await deps.temporal.workflow.getHandle(s.workflowId).executeUpdate(decideUpdate, { args: [d] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
        const [now] = await deps.db.select({ status: kokoSuggestions.status }).from(kokoSuggestions).where(eq(kokoSuggestions.id, s.id));
        throw alreadyDecided(s.id, now?.status ?? 'expired');
      }
      logger.error({ suggestionId: s.id, err }, 'Koko decision could not reach Temporal');
      throw new ApiError(503, 'temporal_unavailable', 'The decision could not be handed to Temporal; retry', [], { 'Retry-After': '5' });
    }
  }

  return router;
}

function decidedBy(res: express.Response, claimed: string | undefined, shape: string): string {
  const who = consoleAdmin(res) ?? claimed;
  if (!who) throw new ApiError(400, 'invalid_body', shape, [{ path: 'by', message: 'Invalid input: expected string, received undefined' }]);
  return who;
}

function alreadyDecided(id: string, status: string): ApiError {
  return new ApiError(409, 'already_decided', `Suggestion ${id} is no longer pending (${status})`, [{ path: 'id', message: `status ${status}` }]);
}
