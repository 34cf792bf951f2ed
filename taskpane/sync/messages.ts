/** The sync client's user-facing texts (Swedish), in one place for review. */
export const syncText = {
  offline: "Ingen kontakt med servern. Ändringarna sparas lokalt och skickas när anslutningen är tillbaka.",
  timeout: "Servern svarade inte i tid. Nytt försök görs automatiskt.",
  auth: "Inloggningen har gått ut. Logga in igen för att fortsätta synka.",
  forbidden: "Du saknar behörighet att synka den här arbetsboken.",
  badRequest: (detail: string) => `Servern godtog inte ändringarna: ${detail}`,
  server: (status?: number) =>
    `Servern har problem just nu${status ? ` (fel ${status})` : ""}. Nytt försök görs automatiskt.`,
  invalidReply: "Servern svarade i ett oväntat format. Nytt försök görs automatiskt.",
  quota:
    "Lagringsutrymmet i webbläsaren är fullt. Ändringarna finns kvar i arbetsboken men kan inte sparas lokalt förrän utrymme frigörs.",
  storageFailed: (detail: string) => `Den lokala lagringen fungerar inte: ${detail}`,
  storageCleared:
    "Den lokala lagringen för synkningen saknades (webbläsaren kan ha rensat den). Arbetsboken stäms av mot servern; inga ändringar i arbetsboken går förlorade.",
  foreignAuthor:
    "Det finns väntande ändringar som gjorts av en annan användare. De skickas inte med din inloggning.",
  unknown: (detail: string) => `Synkningen misslyckades: ${detail}`,
  noOutcome: "Servern svarade inte på alla ändringar. Nytt försök görs automatiskt.",
  invalidValue: (detail: string) => `Värdet kan inte synkas: ${detail}`,
  conflictMissing: "Konflikten finns inte eller är redan löst.",
} as const;
