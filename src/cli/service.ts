/** tmon service add|list|rotate-secret|remove */
import type { Service } from '../store/store.js';
import { output, parse, positiveInteger, requireString, UsageError } from './args.js';
import { withStore } from './context.js';

export const SERVICE_USAGE = `tmon service add NAME --owner USER [--id N] [--secret S]
    --id/--secret bring a service over from an old T-Mon install: its senders keep working unchanged
tmon service list
tmon service rotate-secret ID     (the old secret stays valid for TMON_SECRET_GRACE_HOURS, default 24)
tmon service remove ID            (deletes its events and rollups)
  (each with [--data DIR] [--json])`;

export async function serviceCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    owner: { type: 'string' },
    id: { type: 'string' },
    secret: { type: 'string' },
  });
  const [action, subject] = positionals;

  await withStore(values.data, async ({ accountStore, accounts }) => {
    switch (action) {
      case 'add': {
        if (!subject) throw new UsageError('tmon service add needs a service name');
        const service = await accounts.addService({
          name: subject,
          ownerName: requireString(values.owner, 'owner'),
          id: values.id === undefined ? undefined : positiveInteger(values.id, '--id'),
          secret: values.secret,
        });
        return output(values.json, presentService(service), () => describe(service));
      }
      case 'list': {
        const services = await accountStore.listServices();
        const owners = new Map((await accountStore.listUsers()).map((u) => [u.id, u.name]));
        return output(
          values.json,
          services.map((s) => ({ ...presentService(s), owner: owners.get(s.ownerId) ?? null })),
          () =>
            services.length === 0
              ? 'no services'
              : services.map((s) => `${s.id}\t${s.name}\towner ${owners.get(s.ownerId) ?? '?'}`).join('\n'),
        );
      }
      case 'rotate-secret': {
        const service = await accounts.rotateSecret(positiveInteger(subject, 'ID'));
        const until = new Date(service.previousSecretUntil ?? 0).toISOString();
        return output(
          values.json,
          { ...presentService(service), previous_secret_valid_until: service.previousSecretUntil },
          () => `${describe(service)}\nthe previous secret stays valid until ${until}`,
        );
      }
      case 'remove': {
        const id = positiveInteger(subject, 'ID');
        await accounts.removeService(id);
        return output(values.json, { id, removed: true }, () => `removed service ${id} with its events`);
      }
      default:
        throw new UsageError(action ? `unknown action "service ${action}"` : 'tmon service needs an action');
    }
  });
}

function presentService(service: Service) {
  return { id: service.id, name: service.name, secret: service.secret };
}

function describe(service: Service): string {
  return `id      ${service.id}\nname    ${service.name}\nsecret  ${service.secret}`;
}
