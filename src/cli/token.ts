/** tmon token add|list|revoke */
import { TOKEN_SCOPES, type TokenScope } from '../store/store.js';
import { output, parse, positiveInteger, requireString, UsageError } from './args.js';
import { withStore } from './context.js';

export const TOKEN_USAGE = `tmon token add --user NAME [--scope read|admin|ingest] [--service ID] [--name LABEL] [--expires 30d]
    prints an API token once: send it as "Authorization: Bearer <token>". Scopes: read (default) the
    query API and live streams; admin what the user may do in the admin page; ingest only sending
    events to the one service named by --service. --expires: 12h, 30d, 8w, 1y or never (default)
tmon token list [--user NAME]     (never the token itself)
tmon token revoke ID
  (each with [--data DIR] [--json])`;

export async function tokenCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    user: { type: 'string' },
    scope: { type: 'string' },
    service: { type: 'string' },
    name: { type: 'string' },
    label: { type: 'string' },
    expires: { type: 'string' },
  });
  const [action, subject] = positionals;

  await withStore(values.data, async ({ accountStore, accounts }) => {
    const names = async () => new Map((await accountStore.listUsers()).map((u) => [u.id, u.name]));
    switch (action) {
      case 'add': {
        const user = await accounts.requireUser(requireString(values.user, 'user'));
        const scope = values.scope ?? 'read';
        if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
          throw new UsageError(`--scope must be one of ${TOKEN_SCOPES.join(', ')}`);
        }
        const { token, record } = await accounts.addToken({
          user,
          name: values.name ?? values.label ?? 'cli',
          scope: scope as TokenScope,
          serviceId: values.service === undefined ? null : positiveInteger(values.service, '--service'),
          expires: values.expires ?? null,
        });
        return output(values.json, { id: record.id, token, scope: record.scope, user: user.name }, () => token);
      }
      case 'list': {
        const owner = values.user === undefined ? null : (await accounts.requireUser(values.user)).id;
        const tokens = await accounts.listTokens(owner);
        const users = await names();
        const shown = tokens.map((t) => ({
          id: t.id,
          name: t.name,
          user: users.get(t.userId) ?? null,
          scope: t.scope,
          service_id: t.serviceId,
          created_at: t.createdAt,
          last_used_at: t.lastUsedAt,
          expires_at: t.expiresAt,
        }));
        return output(values.json, shown, () =>
          shown.length === 0
            ? 'no tokens'
            : shown
                .map((t) =>
                  [
                    t.id,
                    t.name,
                    t.user,
                    t.scope + (t.service_id === null ? '' : ` (service ${t.service_id})`),
                    `created ${iso(t.created_at)}`,
                    `last used ${t.last_used_at === null ? 'never' : iso(t.last_used_at)}`,
                    `expires ${t.expires_at === null ? 'never' : iso(t.expires_at)}`,
                  ].join('\t'),
                )
                .join('\n'),
        );
      }
      case 'revoke': {
        const id = positiveInteger(subject, 'the token id');
        // the CLI runs as the machine's operator: it may revoke any token
        const revoked = await accounts.revokeToken(id, null);
        return output(
          values.json,
          { id: revoked.id, revoked: true },
          () => `revoked token ${revoked.id} (${revoked.name})`,
        );
      }
      default:
        throw new UsageError(
          action ? `unknown action "token ${action}"` : 'tmon token needs an action: add, list or revoke',
        );
    }
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
