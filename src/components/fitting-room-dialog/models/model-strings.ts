/**
 * The model gallery's shopper-facing strings, in the dialog's six languages, in the model chunk:
 * only a shopper who opens the gallery downloads them. Overridable by key through `strings`.
 */
import { localized } from '../chunk-strings.js';

export const MODEL_STRINGS = {
  en: {
    tryModel: 'Try on a model',
    modelsHeading: 'Choose a model',
    modelsIntro: 'No photo of you is needed: the item is tried on the model you choose.',
    modelHeight: 'Height: {height}',
    modelSize: 'Wears size {size}',
    modelDisclosure: 'This image was made by AI on a model of the shop. It does not show you.',
  },
  de: {
    tryModel: 'An einem Model anprobieren',
    modelsHeading: 'Wähle ein Model',
    modelsIntro: 'Du brauchst kein Foto von dir: Der Artikel wird am gewählten Model anprobiert.',
    modelHeight: 'Größe: {height}',
    modelSize: 'Trägt Größe {size}',
    modelDisclosure: 'Dieses Bild wurde von einer KI an einem Model des Shops erstellt. Es zeigt nicht dich.',
  },
  fr: {
    tryModel: 'Essayer sur un mannequin',
    modelsHeading: 'Choisissez un mannequin',
    modelsIntro: 'Aucune photo de vous n’est nécessaire : l’article est essayé sur le mannequin choisi.',
    modelHeight: 'Taille : {height}',
    modelSize: 'Porte la taille {size}',
    modelDisclosure: 'Cette image a été créée par une IA sur un mannequin de la boutique. Elle ne vous représente pas.',
  },
  es: {
    tryModel: 'Probar en un modelo',
    modelsHeading: 'Elige un modelo',
    modelsIntro: 'No necesitas una foto tuya: el artículo se prueba en el modelo que elijas.',
    modelHeight: 'Altura: {height}',
    modelSize: 'Lleva la talla {size}',
    modelDisclosure: 'Esta imagen la ha creado una IA sobre un modelo de la tienda. No te muestra a ti.',
  },
  ja: {
    tryModel: 'モデルで試着',
    modelsHeading: 'モデルを選ぶ',
    modelsIntro: 'ご自身の写真は不要です。選んだモデルで試着します。',
    modelHeight: '身長：{height}',
    modelSize: '着用サイズ：{size}',
    modelDisclosure: 'この画像はショップのモデルをもとにAIが生成したもので、あなたの姿ではありません。',
  },
  ar: {
    tryModel: 'جرّب على عارض',
    modelsHeading: 'اختر عارضًا',
    modelsIntro: 'لا حاجة إلى صورتك: تُجرَّب القطعة على العارض الذي تختاره.',
    modelHeight: 'الطول: {height}',
    modelSize: 'يرتدي المقاس {size}',
    modelDisclosure: 'أُنشئت هذه الصورة بالذكاء الاصطناعي على عارض من المتجر، وهي لا تُظهرك أنت.',
  },
} as const;

export type ModelStrings = Record<keyof (typeof MODEL_STRINGS)['en'], string>;

export const modelStrings = (locale: string, overrides: unknown) => localized(MODEL_STRINGS, locale, overrides) as ModelStrings;
