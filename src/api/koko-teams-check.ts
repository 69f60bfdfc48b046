import type { ChatwootClient } from '../clients/chatwoot-client.js';

/**
 * KOKO_TEAMS entries whose team Chatwoot does not have. Chatwoot answers an assignment to an unknown team with
 * 200 and clears the conversation's team, so a typo would silently leave every escalation unrouted.
 */
export async function unknownKokoTeams(chatwoot: ChatwootClient, teams: Record<string, number>): Promise<string[]> {
  if (Object.keys(teams).length === 0) return [];
  const known = new Set((await chatwoot.listTeams()).map((t) => t.id));
  return Object.entries(teams)
    .filter(([, id]) => !known.has(id))
    .map(([intent, id]) => `KOKO_TEAMS.${intent}: Chatwoot has no team ${id}`);
}
