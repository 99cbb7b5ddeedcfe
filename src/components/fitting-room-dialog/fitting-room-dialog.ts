import { FittingRoomDialog } from './fitting-room-dialog.component.js';

export { FittingRoomDialog };

if (!customElements.get('fitting-room-dialog')) customElements.define('fitting-room-dialog', FittingRoomDialog);

declare global {
  interface HTMLElementTagNameMap {
    'fitting-room-dialog': FittingRoomDialog;
  }
}
