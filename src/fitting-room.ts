/**
 * The script-tag entry: `<script type="module" src=".../fitting-room.js">`. It defines
 * `<fitting-room>` and nothing else; the dialog is a separate chunk loaded on intent.
 */
export { FittingRoom } from './components/fitting-room/fitting-room.js';
export type * from './contract.js';
export type * from './events.js';
export type { Strings } from './components/fitting-room-dialog/messages.js';
