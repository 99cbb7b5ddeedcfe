import { FittingRoom } from './fitting-room.component.js';

export { FittingRoom };

// Merchants sometimes include the script twice (theme + app embed): define once, quietly.
if (!customElements.get('fitting-room')) customElements.define('fitting-room', FittingRoom);

declare global {
  interface HTMLElementTagNameMap {
    'fitting-room': FittingRoom;
  }
}
