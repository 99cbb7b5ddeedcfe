// What a developer reaches for instead of our dialog: Shoelace's <sl-dialog>, cherry-picked
// as its docs show (the component and what it imports: Lit, the icon button, animations).
import '@shoelace-style/shoelace/dist/components/dialog/dialog.js';
