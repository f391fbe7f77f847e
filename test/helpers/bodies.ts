import type { Static } from '@sinclair/typebox';
import type { SelfTest as SelfTestSchema } from '../../src/diagnostics/diagnostics.routes';
import type { DiagnosticsService } from '../../src/diagnostics/diagnostics.service';
import type { PairingAnswer as PairingAnswerSchema } from '../../src/pairing/pairing.schemas';
import type { ScreenState } from '../../src/screen/screen.service';
import type { Batch as BatchSchema } from '../../src/settlement/settlement.schemas';
import type { PrintAnswer as PrintAnswerSchema, SearchPage as SearchPageSchema, TransactionSummary as SummarySchema } from '../../src/transactions/transactions.schemas';

// The answers' types, taken from the server's own schemas. Every supertest answer is held to the
// OpenAPI document built from those schemas (test/helpers/openapi-conformance.ts), so the types
// below are what the bodies are, not a hope.

export type { Acknowledgement, FinalStatus, InProgressStatus } from '../../src/transactions/transactions.schemas';
export type { ScreenState };
export type PairingAnswer = Static<typeof PairingAnswerSchema>;
export type SearchPage = Static<typeof SearchPageSchema>;
export type TransactionSummary = Static<typeof SummarySchema>;
export type PrintAnswer = Static<typeof PrintAnswerSchema>;
export type Batch = Static<typeof BatchSchema>;
export type SelfTest = Static<typeof SelfTestSchema>;
/** The schema (src/diagnostics/diagnostics.routes.ts) leaves its sections open; the service says what is in them. */
export type DiagnosticsReport = Awaited<ReturnType<DiagnosticsService['report']>>;

/** A supertest answer's body (typed `any` by supertest) as the type the schema gives it. */
export const bodyOf = <T>(res: { body: unknown }): T => res.body as T;

/**
 * An answer read field by field, whatever it turned out to be (an acknowledgement, a status or a
 * problem), as the fault tests read the answers of a busy or failing terminal.
 */
export interface AnyAnswer {
  uti?: string;
  /** A problem's code. */
  code?: string;
  /** A transaction's status, /health's, or a problem's HTTP status. */
  status?: Static<typeof SummarySchema>['status'] | 'UP' | 'DEGRADED' | number;
  stage?: string | null;
  statusReason?: string | null;
  transApproved?: boolean;
  reversed?: boolean;
  /** A problem's detail; a pairing's answer; /health's problems; diagnostics' database section. */
  detail?: string;
  pairingCode?: string;
  authToken?: string;
  problems?: string[];
  database?: { storage?: { state?: string; lastCheck?: { kind: string; ms: number } | null }; quickCheck?: string; lastPurge?: { purged: number } | null };
}
