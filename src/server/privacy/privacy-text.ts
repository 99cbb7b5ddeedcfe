/**
 * The privacy notice's words, in the widget's six languages. `{name}` marks a value from the
 * running configuration (privacy-page.ts fills them in and escapes the result). The names of
 * the dialog's own buttons come from the widget's strings, so the notice names them exactly.
 */
export interface PrivacyText {
  /** The language's own name, for the list of other languages. */
  name: string;
  title: string;
  intro: string;
  whatHeading: string;
  what: string;
  whoHeading: string;
  who: string;
  /** Instead of `who` when the sandbox makes the images: no other company is involved. */
  whoSandbox: string;
  howLongHeading: string;
  howLong: string;
  remembered: string;
  consentRecord: string;
  deleteHeading: string;
  delete: string;
  deleteApi: string;
  languages: string;
}

export const PRIVACY_TEXT: Record<string, PrivacyText> = {
  en: {
    name: 'English',
    title: 'Privacy notice: virtual try-on at {shop}',
    intro:
      '{shop} offers a virtual try-on: you add a photo of yourself, and an AI system creates an altered image of you wearing the product. This notice says what happens to your photo.',
    whatHeading: 'What is processed',
    what: 'The photo you take or choose, the product’s image, and the image made from them (the result), which is labelled “{aiLabel}”. Your photo is prepared on your device before it is sent: it is resized, and location and camera data are removed.',
    whoHeading: 'Who processes it',
    who: '{shop} runs this try-on service. The image is created by {provider}, the try-on provider {shop} uses, only to make your try-on.',
    whoSandbox: '{shop} runs this try-on service. The image is made by this service itself (a preview): your photo is sent to no other company.',
    howLongHeading: 'How long it is kept',
    howLong: 'Your photo and the result are deleted {retention} after they are sent at the latest, or as soon as you close the try-on window.',
    remembered: 'If you choose “{remember}”, your photo is also kept in your browser on this device only, until you delete it.',
    consentRecord:
      'When you agree, a record of your consent is kept for {consentRetention}: the time, the shop’s web address, the version and a fingerprint of the text you agreed to, your language, and scrambled forms of your session and network address. It holds no photo and no address in readable form.',
    deleteHeading: 'How to delete your photo',
    delete: 'In the try-on window, choose “{deletePhoto}”: your photo is deleted from your device and from this service at once.',
    deleteApi: 'Technically, the window sends DELETE /jobs/{id} to this service, which deletes the photo and the result of that try-on.',
    languages: 'Other languages',
  },
  de: {
    name: 'Deutsch',
    title: 'Datenschutzhinweis: virtuelle Anprobe bei {shop}',
    intro:
      '{shop} bietet eine virtuelle Anprobe an: Du fügst ein Foto von dir hinzu, und ein KI-System erstellt ein verändertes Bild von dir mit dem Produkt. Dieser Hinweis erklärt, was mit deinem Foto geschieht.',
    whatHeading: 'Was verarbeitet wird',
    what: 'Das Foto, das du aufnimmst oder auswählst, das Bild des Produkts und das daraus erstellte Bild (das Ergebnis), das als „{aiLabel}“ gekennzeichnet ist. Dein Foto wird vor dem Senden auf deinem Gerät vorbereitet: verkleinert, Standort- und Kameradaten entfernt.',
    whoHeading: 'Wer es verarbeitet',
    who: '{shop} betreibt diesen Anprobe-Dienst. Das Bild erstellt {provider}, der Anprobe-Anbieter von {shop}, nur für deine Anprobe.',
    whoSandbox: '{shop} betreibt diesen Anprobe-Dienst. Das Bild erstellt dieser Dienst selbst (eine Vorschau): Dein Foto geht an kein anderes Unternehmen.',
    howLongHeading: 'Wie lange es gespeichert wird',
    howLong: 'Dein Foto und das Ergebnis werden spätestens {retention} nach dem Senden gelöscht, oder sobald du das Anprobe-Fenster schließt.',
    remembered: 'Wenn du „{remember}“ wählst, bleibt dein Foto außerdem nur in deinem Browser auf diesem Gerät, bis du es löschst.',
    consentRecord:
      'Wenn du zustimmst, wird ein Nachweis deiner Einwilligung {consentRetention} lang aufbewahrt: die Uhrzeit, die Webadresse des Shops, die Version und ein Fingerabdruck des Textes, dem du zugestimmt hast, deine Sprache sowie verschlüsselte Formen deiner Sitzung und deiner Netzwerkadresse. Er enthält kein Foto und keine Adresse in lesbarer Form.',
    deleteHeading: 'So löschst du dein Foto',
    delete: 'Wähle im Anprobe-Fenster „{deletePhoto}“: Dein Foto wird sofort von deinem Gerät und aus diesem Dienst gelöscht.',
    deleteApi: 'Technisch sendet das Fenster DELETE /jobs/{id} an diesen Dienst, der Foto und Ergebnis dieser Anprobe löscht.',
    languages: 'Andere Sprachen',
  },
  fr: {
    name: 'Français',
    title: 'Avis de confidentialité : essayage virtuel chez {shop}',
    intro:
      '{shop} propose un essayage virtuel : vous ajoutez une photo de vous, et un système d’IA crée une image modifiée de vous portant le produit. Cet avis explique ce qu’il advient de votre photo.',
    whatHeading: 'Ce qui est traité',
    what: 'La photo que vous prenez ou choisissez, l’image du produit et l’image créée à partir d’elles (le résultat), marquée « {aiLabel} ». Votre photo est préparée sur votre appareil avant l’envoi : redimensionnée, sans données de localisation ni d’appareil photo.',
    whoHeading: 'Qui la traite',
    who: '{shop} exploite ce service d’essayage. L’image est créée par {provider}, le prestataire d’essayage de {shop}, uniquement pour votre essayage.',
    whoSandbox: '{shop} exploite ce service d’essayage. L’image est créée par ce service lui-même (un aperçu) : votre photo n’est envoyée à aucune autre entreprise.',
    howLongHeading: 'Durée de conservation',
    howLong: 'Votre photo et le résultat sont supprimés au plus tard {retention} après l’envoi, ou dès que vous fermez la fenêtre d’essayage.',
    remembered: 'Si vous choisissez « {remember} », votre photo est aussi conservée uniquement dans votre navigateur sur cet appareil, jusqu’à ce que vous la supprimiez.',
    consentRecord:
      'Lorsque vous acceptez, une preuve de votre consentement est conservée pendant {consentRetention} : l’heure, l’adresse web de la boutique, la version et une empreinte du texte accepté, votre langue, et des formes brouillées de votre session et de votre adresse réseau. Elle ne contient aucune photo ni aucune adresse lisible.',
    deleteHeading: 'Supprimer votre photo',
    delete: 'Dans la fenêtre d’essayage, choisissez « {deletePhoto} » : votre photo est aussitôt supprimée de votre appareil et de ce service.',
    deleteApi: 'Techniquement, la fenêtre envoie DELETE /jobs/{id} à ce service, qui supprime la photo et le résultat de cet essayage.',
    languages: 'Autres langues',
  },
  es: {
    name: 'Español',
    title: 'Aviso de privacidad: prueba virtual en {shop}',
    intro: '{shop} ofrece una prueba virtual: añades una foto tuya y un sistema de IA crea una imagen modificada de ti con el producto. Este aviso explica qué pasa con tu foto.',
    whatHeading: 'Qué se procesa',
    what: 'La foto que haces o eliges, la imagen del producto y la imagen creada a partir de ellas (el resultado), marcada como «{aiLabel}». Tu foto se prepara en tu dispositivo antes de enviarse: se reduce y se eliminan los datos de ubicación y de cámara.',
    whoHeading: 'Quién lo procesa',
    who: '{shop} gestiona este servicio de prueba. La imagen la crea {provider}, el proveedor de pruebas de {shop}, solo para tu prueba.',
    whoSandbox: '{shop} gestiona este servicio de prueba. La imagen la crea este mismo servicio (una vista previa): tu foto no se envía a ninguna otra empresa.',
    howLongHeading: 'Cuánto tiempo se guarda',
    howLong: 'Tu foto y el resultado se eliminan como máximo {retention} después del envío, o en cuanto cierras la ventana de prueba.',
    remembered: 'Si eliges «{remember}», tu foto se guarda además solo en tu navegador de este dispositivo, hasta que la elimines.',
    consentRecord:
      'Cuando aceptas, se guarda un registro de tu consentimiento durante {consentRetention}: la hora, la dirección web de la tienda, la versión y una huella del texto que aceptaste, tu idioma y formas cifradas de tu sesión y tu dirección de red. No contiene ninguna foto ni ninguna dirección legible.',
    deleteHeading: 'Cómo eliminar tu foto',
    delete: 'En la ventana de prueba, elige «{deletePhoto}»: tu foto se elimina al instante de tu dispositivo y de este servicio.',
    deleteApi: 'Técnicamente, la ventana envía DELETE /jobs/{id} a este servicio, que elimina la foto y el resultado de esa prueba.',
    languages: 'Otros idiomas',
  },
  ja: {
    name: '日本語',
    title: 'プライバシーに関するお知らせ:{shop} のバーチャル試着',
    intro:
      '{shop} はバーチャル試着を提供しています。あなたが自分の写真を追加すると、AIシステムが商品を身に着けたあなたの加工画像を作成します。このお知らせでは、写真がどう扱われるかを説明します。',
    whatHeading: '処理されるもの',
    what: 'あなたが撮影または選択した写真、商品の画像、それらから作成された画像(結果)です。結果には「{aiLabel}」と表示されます。写真は送信前にお使いの端末で準備され、縮小されて位置情報とカメラ情報が削除されます。',
    whoHeading: '処理する者',
    who: '{shop} がこの試着サービスを運営しています。画像は {shop} が利用する試着プロバイダー {provider} が、あなたの試着のためだけに作成します。',
    whoSandbox: '{shop} がこの試着サービスを運営しています。画像はこのサービス自身が作成します(プレビュー)。写真が他社に送られることはありません。',
    howLongHeading: '保存期間',
    howLong: '写真と結果は、送信から遅くとも{retention}後、または試着ウィンドウを閉じた時点で削除されます。',
    remembered: '「{remember}」を選んだ場合、写真はこの端末のブラウザ内にのみ、あなたが削除するまで保存されます。',
    consentRecord:
      '同意すると、その記録が{consentRetention}保存されます。内容は日時、ショップのウェブアドレス、同意した文章のバージョンとフィンガープリント、言語、そしてセッションとネットワークアドレスを読めない形に変換したものです。写真や読める形のアドレスは含まれません。',
    deleteHeading: '写真を削除するには',
    delete: '試着ウィンドウで「{deletePhoto}」を選ぶと、写真はお使いの端末とこのサービスからすぐに削除されます。',
    deleteApi: '技術的には、ウィンドウがこのサービスに DELETE /jobs/{id} を送り、その試着の写真と結果が削除されます。',
    languages: '他の言語',
  },
  ar: {
    name: 'العربية',
    title: 'إشعار الخصوصية: التجربة الافتراضية لدى {shop}',
    intro: 'يقدّم {shop} تجربة افتراضية: تضيف صورة لك، فيُنشئ نظام ذكاء اصطناعي صورة معدَّلة لك وأنت ترتدي المنتج. يوضّح هذا الإشعار ما يحدث لصورتك.',
    whatHeading: 'ما الذي تتم معالجته',
    what: 'الصورة التي تلتقطها أو تختارها، وصورة المنتج، والصورة الناتجة عنهما (النتيجة) الموسومة بعبارة «{aiLabel}». تُجهَّز صورتك على جهازك قبل إرسالها: يُصغَّر حجمها وتُزال منها بيانات الموقع والكاميرا.',
    whoHeading: 'من يعالجها',
    who: 'يدير {shop} خدمة التجربة هذه. يُنشئ الصورةَ {provider}، مزوّد التجربة الذي يستخدمه {shop}، لغرض تجربتك فقط.',
    whoSandbox: 'يدير {shop} خدمة التجربة هذه. تُنشئ هذه الخدمة الصورة بنفسها (معاينة): لا تُرسَل صورتك إلى أي شركة أخرى.',
    howLongHeading: 'مدة الاحتفاظ',
    howLong: 'تُحذف صورتك والنتيجة بعد {retention} من إرسالهما على الأكثر، أو فور إغلاقك لنافذة التجربة.',
    remembered: 'إذا اخترت «{remember}»، تُحفظ صورتك أيضًا في متصفحك على هذا الجهاز فقط، إلى أن تحذفها.',
    consentRecord:
      'عند موافقتك، يُحفظ سجل لموافقتك مدة {consentRetention}: الوقت، وعنوان موقع المتجر، والإصدار وبصمة النص الذي وافقت عليه، ولغتك، وصيغ مموّهة لجلستك وعنوان شبكتك. لا يتضمن السجل أي صورة ولا أي عنوان بصيغة مقروءة.',
    deleteHeading: 'كيف تحذف صورتك',
    delete: 'في نافذة التجربة، اختر «{deletePhoto}»: تُحذف صورتك فورًا من جهازك ومن هذه الخدمة.',
    deleteApi: 'من الناحية التقنية، ترسل النافذة الطلب DELETE /jobs/{id} إلى هذه الخدمة، فتحذف صورة تلك التجربة ونتيجتها.',
    languages: 'لغات أخرى',
  },
};
