import type { ParsedMail } from 'mailparser';

/** A received message as the inbox view and tests see it. */
export interface InboxMessage {
  id: number;
  messageId?: string;
  from?: string;
  to: string[];
  subject?: string;
  text?: string;
  html?: string;
  headers: Record<string, string>;
  receivedAt: string;
}

export class Inbox {
  private readonly messages: InboxMessage[] = [];
  private seq = 0;

  add(envelopeTo: string[], mail: ParsedMail): InboxMessage {
    const headers: Record<string, string> = {};
    for (const line of mail.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
    const message: InboxMessage = {
      id: ++this.seq,
      messageId: mail.messageId,
      from: mail.from?.text,
      to: envelopeTo,
      subject: mail.subject,
      text: mail.text,
      html: typeof mail.html === 'string' ? mail.html : undefined,
      headers,
      receivedAt: new Date().toISOString(),
    };
    this.messages.push(message);
    return message;
  }

  list(): readonly InboxMessage[] {
    return this.messages;
  }

  clear(): void {
    this.messages.length = 0;
  }
}
