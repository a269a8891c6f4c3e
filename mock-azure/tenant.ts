/** createAzure(options): one Entra tenant with the NordPass enterprise app and its provisioning job, wired together. */
import type { Clock } from '../simulator/clock.ts';
import type { Random } from '../simulator/random.ts';
import { EnterpriseApplication, type ProvisioningSettingsInput } from './app/application.ts';
import { Directory, type DirectorySettings } from './directory/directory.ts';
import { ProvisioningJob, type EngineSettingsInput } from './provisioning/engine.ts';
import { ExchangeLog } from './scim-client/exchanges.ts';
import { LOG_RETENTION, type LogRetention, ProvisioningLogs } from './provisioning/logs.ts';
import { FaultInjector, type Transport } from './scim-client/transport.ts';
import { VariantChoices } from '../simulator/variants.ts';

export interface AzureOptions {
  clock: Clock;
  random: Random;
  /** How SCIM requests reach the app: NordPass's own fetch in process, or httpTransport(). */
  transport: Transport;
  directory?: Partial<DirectorySettings>;
  provisioning?: ProvisioningSettingsInput;
  engine?: EngineSettingsInput;
  /** Newest exchanges kept in the record (all are counted). */
  exchangeLimit?: number;
  /** How long provisioning logs are kept: the tenant's licence (default premium, 30 days). */
  logRetention?: LogRetention;
  /** The unsettled behaviours this tenant follows (simulator/variants.ts); the world shares them with NordPass. */
  variants?: VariantChoices;
}

export interface Azure {
  directory: Directory;
  app: EnterpriseApplication;
  job: ProvisioningJob;
  logs: ProvisioningLogs;
  exchanges: ExchangeLog;
  faults: FaultInjector;
}

export function createAzure(options: AzureOptions): Azure {
  const { clock, random } = options;
  const variants = options.variants ?? new VariantChoices();
  const directory = new Directory(clock, random.fork('directory'), options.directory);
  const app = new EnterpriseApplication(directory, clock, random.fork('application'), options.provisioning, variants);
  const logs = new ProvisioningLogs(LOG_RETENTION[options.logRetention ?? 'premium']);
  const exchanges = new ExchangeLog(options.exchangeLimit);
  const faults = new FaultInjector(clock);
  const job = new ProvisioningJob({
    clock,
    random: random.fork('job'),
    directory,
    app,
    transport: faults.wrap(options.transport),
    logs,
    exchanges,
    variants,
    ...(options.engine ? { settings: options.engine } : {}),
  });
  // Deleting a user or group for good also removes its app role assignments, as in Entra.
  directory.onChange((change) => {
    if ((change.kind === 'userHardDeleted' || change.kind === 'groupDeleted') && app.isAssigned(change.objectId))
      app.unassign(change.objectId);
  });
  return { directory, app, job, logs, exchanges, faults };
}
