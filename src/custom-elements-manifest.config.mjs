/**
 * `npm run build:manifest`: the custom elements manifest of the published element
 * (dist/custom-elements.json, the package's `customElements` field), read from the class's
 * JSDoc (@attr, @event, @csspart, @cssproperty). Paths point at the shipped bundle, not at
 * src/, and private members are left out.
 */
const BUNDLE = 'dist/widget/fitting-room.js';

export default {
  globs: ['src/components/fitting-room/fitting-room.component.ts', 'src/components/fitting-room/fitting-room.ts'],
  outdir: 'dist',
  plugins: [
    {
      name: 'fitting-room-published-paths',
      packageLinkPhase({ customElementsManifest }) {
        const declarations = [];
        const exports = [];
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            declarations.push({
              ...declaration,
              members: declaration.members?.filter((member) => member.privacy !== 'private' && !member.name.startsWith('#')),
            });
          }
          for (const entry of module.exports ?? []) {
            const key = `${entry.kind}:${entry.name}`;
            if (exports.some((existing) => `${existing.kind}:${existing.name}` === key)) continue;
            exports.push({ ...entry, declaration: { ...entry.declaration, module: BUNDLE } });
          }
        }
        customElementsManifest.modules = [{ kind: 'javascript-module', path: BUNDLE, declarations, exports }];
      },
    },
  ],
};
