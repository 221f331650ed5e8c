/** tmon token add --user NAME */
import { output, parse, requireString, UsageError } from './args.js';
import { withStore } from './context.js';

export const TOKEN_USAGE = `tmon token add --user NAME [--label TEXT] [--data DIR] [--json]
    prints an API token: send it as "Authorization: Bearer <token>"`;

export async function tokenCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { user: { type: 'string' }, label: { type: 'string' } });
  if (positionals[0] !== 'add') throw new UsageError('usage: tmon token add --user NAME');
  const userName = requireString(values.user, 'user');
  await withStore(values.data, async ({ accounts }) => {
    const token = await accounts.addToken(userName, values.label ?? 'cli');
    output(values.json, { user: userName, token }, () => token);
  });
}
