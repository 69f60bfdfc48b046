import type { ChatwootState } from './state.js';
import { contactView, conversationView } from './views.js';

/** JSON inside a <script>: `<` escaped so that no value can close the tag. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A conversation page with one dashboard app beside it, as Chatwoot's DashboardApp/Frame.vue renders it: an iframe of
 * the app's URL; on the iframe's load, and whenever the app posts the string `chatwoot-dashboard-app:fetch-info`,
 * the parent posts `JSON.stringify({event: 'appContext', data: {conversation, contact, currentAgent}})` to it with
 * target origin '*'. `conversation` is the dashboard's current chat (the REST conversation), `contact` the store's
 * contact of `meta.sender.id`, `currentAgent` the signed-in user's id, name and email.
 */
export function dashboardAppPage(state: ChatwootState, conversationId: number, appUrl: string): string | undefined {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return undefined;
  const view = conversationView(state, conversation);
  const contact = state.contacts.get(view.meta.sender?.id as number);
  const agent = state.users[0]!;
  const context = { conversation: view, contact: contact ? contactView(state, contact) : undefined, currentAgent: { id: agent.id, name: agent.name, email: agent.email } };
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Chatwoot stand-in: conversation ${conversationId}</title>
<style>body{margin:0;font:14px sans-serif;display:flex;height:100vh}main{flex:1;padding:16px}aside{width:420px;border-left:1px solid #ddd}iframe{border:0;width:100%;height:100%}</style>
</head><body>
<main><h1>Conversation #${conversationId}</h1><p>${escapeHtml(contact?.name ?? '')}</p></main>
<aside><iframe id="dashboard-app--frame-0-0" src="${escapeHtml(appUrl)}"></iframe></aside>
<script>
const context = ${scriptJson(context)};
const frame = document.getElementById('dashboard-app--frame-0-0');
const post = () => frame.contentWindow.postMessage(JSON.stringify({ event: 'appContext', data: context }), '*');
frame.addEventListener('load', post);
window.onmessage = (e) => {
  if (typeof e.data !== 'string' || e.data !== 'chatwoot-dashboard-app:fetch-info') return;
  post();
};
</script>
</body></html>`;
}
