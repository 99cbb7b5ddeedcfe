import type { Variant } from '../../events.js';
import type { Strings } from '../fitting-room-dialog/messages.js';

/**
 * Every attribute of `<fitting-room>`, declared once as its property name: the attribute is the
 * property in kebab case (`productId` → `product-id`). The element's observed attributes, its
 * property accessors and `FittingRoomAttributes` (the dialog's view of the element) all come
 * from these lists; the class JSDoc's `@attr` lines document them. Names only, no table of
 * attribute names: each byte here is on every product page.
 */
const TEXT_PROPERTIES = [
  'endpoint',
  'garment',
  'category',
  'productId',
  'variantId',
  'label',
  'locale',
  'privacyUrl',
  'discover',
  'theme',
  'hint',
  'aiLabel',
  'analytics',
  'holdout',
  'experiment',
] as const;
/** JSON attributes: the property takes and gives the parsed value. */
interface JsonProperties {
  variants: Variant[];
  strings: Partial<Strings>;
}
const JSON_PROPERTIES: (keyof JsonProperties)[] = ['variants', 'strings'];

/** The properties of `<fitting-room>` that reflect its attributes. */
export type FittingRoomAttributes = { [P in (typeof TEXT_PROPERTIES)[number]]: string | null } & { [P in keyof JsonProperties]: JsonProperties[P] | null };

const PROPERTIES: string[] = [...TEXT_PROPERTIES, ...JSON_PROPERTIES];
const attributeOf = (property: string) => property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

export const OBSERVED_ATTRIBUTES = PROPERTIES.map(attributeOf);

/**
 * Defines a property for each attribute on `prototype`. A text property gives its attribute, else
 * `fallback` (what discovery found); a JSON property gives the parsed attribute, null when invalid.
 */
export function defineAttributeProperties(prototype: HTMLElement, fallback: (element: HTMLElement, property: string) => string | undefined) {
  for (const property of PROPERTIES) {
    const attribute = attributeOf(property);
    const isJson = JSON_PROPERTIES.includes(property as keyof JsonProperties);
    Object.defineProperty(prototype, property, {
      get(this: HTMLElement) {
        const value = this.getAttribute(attribute);
        if (!isJson) return value ?? fallback(this, property) ?? null;
        try {
          return JSON.parse(value!);
        } catch {
          return null;
        }
      },
      set(this: HTMLElement, value: unknown) {
        if (value == null) this.removeAttribute(attribute);
        else this.setAttribute(attribute, typeof value === 'string' ? value : JSON.stringify(value));
      },
    });
  }
}
