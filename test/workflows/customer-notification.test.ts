import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { customerNotification } from '../../src/workflows/customer-notification.js';
import { startStubWorkers, type StubWorkers } from '../support/stub-workers.js';

/** Each test's notification key says what the stubs answer for it. */
const keyOf = (kind: 'known' | 'unknown' | 'gone') => `service.completed:${kind}-${randomUUID()}`;

describe('customerNotification with stub activities', () => {
  let w: StubWorkers;
  let support = true;
  beforeAll(async () => {
    w = await startStubWorkers({
      main: {
        async getModuleStates() {
          return { crm: true, support };
        },
        async resolveNotificationCustomer({ key }) {
          return key.includes(':unknown-') ? { outcome: 'unknown_customer' as const } : { outcome: 'resolved' as const, customerId: `C-${key}` };
        },
        async upsertChatwootContact({ customerId }) {
          return customerId.includes(':gone-') ? { customerGone: true, warnings: [] } : { contactId: `contact-${customerId}`, customerGone: false, warnings: [] };
        },
        async sendChatwootNotification({ key }) {
          return { conversationId: `conv-${key}`, messageId: `msg-${key}` };
        },
        async markNotificationSkipped() {},
      },
    });
  });
  afterAll(() => w?.close());

  const run = (key: string) =>
    w.client.workflow.execute<typeof customerNotification>('customerNotification', { workflowId: `notify/${key}`, taskQueue: w.taskQueue, args: [{ key }] });

  it('posts once to the contact it made sure of', async () => {
    const key = keyOf('known');
    expect(await run(key)).toEqual({ status: 'sent', conversationId: `conv-${key}`, messageId: `msg-${key}` });
    expect(w.callsOf(`notify/${key}`, 'sendChatwootNotification'), 'one post to the upserted contact').toEqual([{ key, contactId: `contact-C-${key}` }]);
  });

  it('skips and marks the notification while the support module is off, resolving nobody', async () => {
    const key = keyOf('known');
    support = false;
    try {
      expect(await run(key)).toEqual({ status: 'skipped', reason: 'support module off' });
    } finally {
      support = true;
    }
    expect(w.namesOf(`notify/${key}`), 'only the module check and the mark').toEqual(['getModuleStates', 'markNotificationSkipped']);
  });

  it('skips a customer KGC no longer has, marking it and posting nothing', async () => {
    const key = keyOf('gone');
    expect(await run(key)).toEqual({ status: 'skipped', reason: 'customer not found in KGC' });
    expect(w.callsOf(`notify/${key}`, 'markNotificationSkipped')).toEqual([{ key, reason: 'customer not found in KGC' }]);
    expect(w.callsOf(`notify/${key}`, 'sendChatwootNotification'), 'nothing posted').toEqual([]);
  });

  it('skips a customer it cannot resolve without making a contact', async () => {
    const key = keyOf('unknown');
    expect(await run(key)).toEqual({ status: 'skipped', reason: 'unknown_customer' });
    expect(w.namesOf(`notify/${key}`), 'no contact, no post').toEqual(['getModuleStates', 'resolveNotificationCustomer']);
  });
});
