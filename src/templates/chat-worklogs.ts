/** The agents' private note on a conversation a KGC worklog was opened from. */
export const worklogNote = (worklogId: string) => `🔧 KGC munkalap megnyitva: ${worklogId}. A státuszváltozások ebbe a beszélgetésbe érkeznek.`;

/** The short confirmation the customer gets. */
export const worklogConfirmation = (worklogId: string) =>
  `Köszönjük, rögzítettük a hibabejelentését. Munkalapszám: ${worklogId}. A javítás állapotáról itt értesítjük.`;
