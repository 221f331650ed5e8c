/**
 * The fields a channel's add and edit forms share: its name, and where it
 * sends (worded for its kind).
 */
import type { ChannelKindWording } from './channel-kinds';

export function ChannelNameField({ value, onInput }: { value: string; onInput(value: string): void }) {
  return (
    <label>
      Channel name
      <input
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        placeholder="e.g. ops room"
        autocomplete="off"
        maxLength={64}
        required
      />
    </label>
  );
}

export function ChannelTargetField({
  wording,
  value,
  onInput,
}: {
  wording: ChannelKindWording;
  value: string;
  onInput(value: string): void;
}) {
  return (
    <label class="wide">
      {wording.target}
      <input
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        placeholder={wording.placeholder}
        autocomplete="off"
        required
      />
    </label>
  );
}
