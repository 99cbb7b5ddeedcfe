import type { Variant } from '../../events.js';
import type { Strings } from '../fitting-room-dialog/messages.js';

/** A JSON attribute: its property takes and gives `T`, the parsed value. */
interface Json<T> {
  attribute: string;
  parsed?: T;
}
const json = <T>(attribute: string): Json<T> => ({ attribute });

/**
 * Every attribute of `<fitting-room>`, declared once: property name → attribute. The element's
 * observed attributes, its property accessors and `FittingRoomAttributes` (the dialog's view of
 * the element) all come from this table; the class JSDoc's `@attr` lines document it.
 */
const ATTRIBUTES = {
  endpoint: 'endpoint',
  garment: 'garment',
  category: 'category',
  productId: 'product-id',
  variantId: 'variant-id',
  label: 'label',
  locale: 'locale',
  privacyUrl: 'privacy-url',
  discover: 'discover',
  theme: 'theme',
  hint: 'hint',
  aiLabel: 'ai-label',
  analytics: 'analytics',
  holdout: 'holdout',
  experiment: 'experiment',
  variants: json<Variant[]>('variants'),
  strings: json<Partial<Strings>>('strings'),
} as const;

type PropertyOf<Spec> = Spec extends Json<infer T> ? T | null : string | null;

/** The properties of `<fitting-room>` that reflect its attributes. */
export type FittingRoomAttributes = { -readonly [P in keyof typeof ATTRIBUTES]: PropertyOf<(typeof ATTRIBUTES)[P]> };

const nameOf = (spec: string | Json<unknown>) => (typeof spec === 'string' ? spec : spec.attribute);

export const OBSERVED_ATTRIBUTES = Object.values(ATTRIBUTES).map(nameOf);

/**
 * Defines a property for each attribute on `prototype`. A text property gives its attribute, else
 * `fallback` (what discovery found); a JSON property gives the parsed attribute, null when invalid.
 */
export function defineAttributeProperties(prototype: HTMLElement, fallback: (element: HTMLElement, property: string) => string | undefined) {
  for (const [property, spec] of Object.entries(ATTRIBUTES)) {
    const attribute = nameOf(spec);
    const isJson = typeof spec !== 'string';
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
