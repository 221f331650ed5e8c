/** tmon user add|list|passwd|remove */
import type { User } from '../store/store.js';
import { output, parse, UsageError } from './args.js';
import { withStore } from './context.js';
import { PASSWORD_OPTIONS, passwordFrom } from './password-input.js';

export const USER_USAGE = `tmon user add NAME [--password-stdin | --password PW] [--admin]
tmon user list
tmon user passwd NAME [--password-stdin | --password PW]
tmon user remove NAME
  (each with [--data DIR] [--json]; without a password flag, add and passwd ask for it on the terminal)`;

export async function userCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { ...PASSWORD_OPTIONS, admin: { type: 'boolean' } });
  const [action, name] = positionals;
  const needName = () => {
    if (!name) throw new UsageError(`tmon user ${action} needs a user name`);
    return name;
  };
  // asked before the store opens: nothing waits on a database while someone types
  const password = action === 'add' || action === 'passwd' ? await passwordFrom(values, needName()) : '';

  await withStore(values.data, async ({ accountStore, accounts }) => {
    switch (action) {
      case 'add': {
        const user = await accounts.addUser(needName(), password, values.admin === true);
        return output(values.json, presentUser(user), () => `created user ${user.name}${user.admin ? ' (admin)' : ''}`);
      }
      case 'list': {
        const users = await accountStore.listUsers();
        return output(values.json, users.map(presentUser), () =>
          users.length === 0
            ? 'no users'
            : users
                .map((u) => `${u.id}\t${u.name}${u.admin ? '\tadmin' : ''}\t${new Date(u.createdAt).toISOString()}`)
                .join('\n'),
        );
      }
      case 'passwd': {
        await accounts.setPassword(needName(), password);
        return output(values.json, { name, updated: true }, () => `password of ${name} changed`);
      }
      case 'remove': {
        await accounts.removeUser(needName());
        return output(values.json, { name, removed: true }, () => `removed user ${name} and their services`);
      }
      default:
        throw new UsageError(action ? `unknown action "user ${action}"` : 'tmon user needs an action');
    }
  });
}

function presentUser(user: User) {
  return { id: user.id, name: user.name, admin: user.admin, created_at: user.createdAt };
}
