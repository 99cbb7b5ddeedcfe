/**
 * The shopper-facing strings of the native add to cart, in the dialog's six languages. They
 * live in the cart chunk rather than in messages.ts and locales/: only a shopper who presses
 * "Add to cart" downloads them, and the default try-on stays within its size budget. A
 * merchant overrides them by key through `strings`, like every other string.
 */
export const CART_STRINGS = {
  en: {
    cartAdding: 'Adding to your cart…',
    cartAdded: 'Added to your cart.',
    cartView: 'View cart',
    cartSoldOut: 'Sorry, this option is sold out, so it wasn’t added to your cart.',
    cartLimit: 'Your cart already holds as many of this item as the shop allows, so no more were added.',
    cartRefused: 'The shop couldn’t add this item to your cart. It may be sold out, or your cart may already hold the most you can buy.',
    cartOptions: 'Please choose the options (such as size or colour) on the product page first, then add it again.',
    cartFailed: 'We couldn’t reach the shop’s cart. Check your connection and try again.',
  },
  de: {
    cartAdding: 'Wird in den Warenkorb gelegt…',
    cartAdded: 'In den Warenkorb gelegt.',
    cartView: 'Warenkorb ansehen',
    cartSoldOut: 'Diese Variante ist leider ausverkauft und wurde nicht in den Warenkorb gelegt.',
    cartLimit: 'Ihr Warenkorb enthält bereits so viele dieses Artikels, wie der Shop erlaubt. Es wurde keiner hinzugefügt.',
    cartRefused: 'Der Shop konnte diesen Artikel nicht in den Warenkorb legen. Er ist vielleicht ausverkauft, oder Ihr Warenkorb enthält schon die Höchstmenge.',
    cartOptions: 'Bitte wählen Sie zuerst die Optionen (etwa Größe oder Farbe) auf der Produktseite und legen Sie den Artikel dann erneut in den Warenkorb.',
    cartFailed: 'Der Warenkorb des Shops ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es noch einmal.',
  },
  fr: {
    cartAdding: 'Ajout au panier…',
    cartAdded: 'Ajouté à votre panier.',
    cartView: 'Voir le panier',
    cartSoldOut: 'Désolé, cette option est épuisée : elle n’a pas été ajoutée à votre panier.',
    cartLimit: 'Votre panier contient déjà la quantité maximale autorisée par la boutique pour cet article : rien n’a été ajouté.',
    cartRefused: 'La boutique n’a pas pu ajouter cet article à votre panier. Il est peut-être épuisé, ou votre panier en contient déjà le maximum.',
    cartOptions: 'Choisissez d’abord les options (taille, couleur…) sur la page du produit, puis ajoutez-le à nouveau.',
    cartFailed: 'Impossible de joindre le panier de la boutique. Vérifiez votre connexion et réessayez.',
  },
  es: {
    cartAdding: 'Añadiendo a tu carrito…',
    cartAdded: 'Añadido a tu carrito.',
    cartView: 'Ver carrito',
    cartSoldOut: 'Lo sentimos, esta opción está agotada y no se ha añadido a tu carrito.',
    cartLimit: 'Tu carrito ya tiene la cantidad máxima de este artículo que permite la tienda; no se ha añadido más.',
    cartRefused: 'La tienda no ha podido añadir este artículo a tu carrito. Puede que esté agotado o que tu carrito ya tenga el máximo permitido.',
    cartOptions: 'Elige primero las opciones (como la talla o el color) en la página del producto y vuelve a añadirlo.',
    cartFailed: 'No hemos podido conectar con el carrito de la tienda. Comprueba tu conexión e inténtalo de nuevo.',
  },
  ja: {
    cartAdding: 'カートに追加しています…',
    cartAdded: 'カートに追加しました。',
    cartView: 'カートを見る',
    cartSoldOut: '申し訳ありません。この商品は売り切れのため、カートに追加されませんでした。',
    cartLimit: 'この商品はショップが認める上限数まですでにカートに入っているため、追加されませんでした。',
    cartRefused: 'ショップがこの商品をカートに追加できませんでした。売り切れか、カート内の数量が上限に達している可能性があります。',
    cartOptions: '先に商品ページでオプション（サイズや色など）を選んでから、もう一度追加してください。',
    cartFailed: 'ショップのカートに接続できませんでした。接続を確認して、もう一度お試しください。',
  },
  ar: {
    cartAdding: 'جارٍ الإضافة إلى سلتك…',
    cartAdded: 'تمت الإضافة إلى سلتك.',
    cartView: 'عرض السلة',
    cartSoldOut: 'عذرًا، هذا الخيار نفد من المخزون، لذا لم تتم إضافته إلى سلتك.',
    cartLimit: 'تحتوي سلتك بالفعل على الحد الأقصى الذي يسمح به المتجر من هذا المنتج، لذا لم تتم إضافة المزيد.',
    cartRefused: 'تعذّر على المتجر إضافة هذا المنتج إلى سلتك. ربما نفد من المخزون، أو أن سلتك تحتوي بالفعل على الحد الأقصى المسموح به.',
    cartOptions: 'يُرجى اختيار الخيارات (مثل المقاس أو اللون) في صفحة المنتج أولًا، ثم أضفه مرة أخرى.',
    cartFailed: 'تعذّر الوصول إلى سلة المتجر. تحقّق من اتصالك وحاول مرة أخرى.',
  },
} as const;

export type CartStrings = Record<keyof (typeof CART_STRINGS)['en'], string>;
/** Why the shop did not add the item; each is one message. */
export type CartRefusal = 'cartSoldOut' | 'cartLimit' | 'cartRefused' | 'cartOptions' | 'cartFailed';

/** The strings for the dialog's `locale` (its language, e.g. `de` or `pt`), the merchant's overrides applied. */
export function cartStrings(locale: string, overrides: unknown): CartStrings {
  const base = CART_STRINGS[locale.split(/[-_]/)[0].toLowerCase() as keyof typeof CART_STRINGS] ?? CART_STRINGS.en;
  const given = overrides && typeof overrides == 'object' ? (overrides as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(base).map(([key, text]) => [key, typeof given[key] == 'string' ? given[key] : text])) as CartStrings;
}
