/** tmon alert channel add|list|remove: where a service's alert notifications go. */
import { isChannelRefusal } from '../alerts/delivery/alert-channels.js';
import { presentChannel } from '../web/alerts/present.js';
import { cliAlertChannels, requireServiceArgument } from './alert-service.js';
import { CommandFailed, output, positiveInteger, UsageError } from './args.js';
import { withStore } from './context.js';

export const CHANNEL_USAGE = `tmon alert channel add SERVICE --kind webhook|slack|discord|email --target URL|ADDRESSES [--name N]
    prints a webhook's signing secret (Standard Webhooks) once; e-mail needs TMON_SMTP_URL and TMON_SMTP_FROM
tmon alert channel list SERVICE   (Slack and Discord URLs cut short: their end is a credential)
tmon alert channel remove SERVICE CHANNEL_ID`;

export const CHANNEL_OPTIONS = { target: { type: 'string' } } as const;

export async function channelCommand(
  positionals: string[],
  values: { data?: string; json?: boolean; kind?: string; name?: string; target?: string },
): Promise<void> {
  const [action, serviceArgument, subject] = positionals;
  if (action === undefined) throw new UsageError('tmon alert channel needs an action');
  if (!['add', 'list', 'remove'].includes(action)) throw new UsageError(`unknown action "alert channel ${action}"`);

  await withStore(values.data, async (context) => {
    const service = await requireServiceArgument(context.accountStore, serviceArgument);
    const channels = cliAlertChannels(context);
    switch (action) {
      case 'add': {
        if (values.kind === undefined) throw new UsageError('--kind is required');
        if (values.target === undefined) throw new UsageError('--target is required');
        const channel = await channels.create(service.id, {
          name: values.name ?? values.kind,
          kind: values.kind,
          target: values.target,
        });
        if (isChannelRefusal(channel)) throw new CommandFailed(channel.message);
        return output(values.json, { channel: presentChannel(channel), secret: channel.secret }, () =>
          [
            `added channel ${channel.id} "${channel.name}" (${channel.kind}) to ${service.name}`,
            ...(channel.secret === null ? [] : [`signing secret (shown this once): ${channel.secret}`]),
          ].join('\n'),
        );
      }
      case 'list': {
        const listed = (await channels.list(service.id)).map(presentChannel);
        return output(values.json, listed, () =>
          listed.length === 0
            ? `no channels on ${service.name}`
            : listed.map((c) => `${c.id}\t${c.name}\t${c.kind}\t${c.target}`).join('\n'),
        );
      }
      case 'remove': {
        const id = positiveInteger(subject, 'CHANNEL_ID');
        const removed = await channels.remove(service.id, id);
        if (isChannelRefusal(removed)) throw new CommandFailed(removed.message);
        return output(values.json, { id, removed: true }, () => `removed channel ${id} from ${service.name}`);
      }
    }
  });
}
