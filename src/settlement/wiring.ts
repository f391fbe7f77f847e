import type { Config } from '../config/config';
import type { AuditLog } from '../audit/audit.service';
import type { Db } from '../db/open';
import { BatchesRepository } from './batches.repository';
import { SettlementService, type BatchView } from './settlement.service';

type Deps = Omit<ConstructorParameters<typeof SettlementService>[0], 'batches' | 'settlementTime' | 'onScheduledClose' | 'onClosed'>;

/** Settlement: the batches, closed by the POS, the screen or the schedule (EPOSD_SETTLEMENT_TIME); the schedule's closes audited as the system's. */
export function wireSettlement(config: Config, d: Deps & { db: Db; audit: Pick<AuditLog, 'record'>; closed: (batch: BatchView) => void }): SettlementService {
  const { db, audit, closed, ...deps } = d;
  return new SettlementService({
    ...deps,
    batches: new BatchesRepository(db),
    settlementTime: config.settlementTime,
    onScheduledClose: (batch) => audit.record('settlement.close', 'OK', { actor: `batch-${batch.batchNumber}`, role: 'system', origin: 'terminal' }),
    onClosed: closed,
  });
}
