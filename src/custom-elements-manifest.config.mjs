/**
 * `npm run build:manifest`: the custom elements manifest of the published element
 * (dist/custom-elements.json, the package's `customElements` field), read from the class's
 * JSDoc (@attr, @event, @csspart, @cssproperty). Paths point at the shipped bundle, not at
 * src/, and private members are left out.
 *
 * The attribute properties are defined at run time from one table (attributes.ts), so the
 * analyzer sees no fields: each `@attr` gets its property here, `product-id` → `productId`,
 * typed `string | null` unless the `@attr {type}` says otherwise.
 */
const BUNDLE = 'dist/widget/fitting-room.js';

const camelCase = (name) => name.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());

function withAttributeFields(declaration) {
  const attributes = (declaration.attributes ?? []).map((attribute) => ({ ...attribute, fieldName: attribute.fieldName ?? camelCase(attribute.name) }));
  const fields = attributes
    .filter((attribute) => !declaration.members?.some((member) => member.name === attribute.fieldName))
    .map(({ fieldName, name, description, type }) => ({ kind: 'field', name: fieldName, type: type ?? { text: 'string | null' }, description, attribute: name }));
  return { ...declaration, attributes, members: [...fields, ...(declaration.members ?? [])] };
}

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
            const members = declaration.members?.filter((member) => member.privacy !== 'private' && !member.name.startsWith('#'));
            declarations.push(declaration.attributes ? withAttributeFields({ ...declaration, members }) : { ...declaration, members });
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
