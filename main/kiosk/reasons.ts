/**
 * Reason codes and their plain-language texts in every UI language. The traveller sees the texts
 * for decision reasons and guidance; officers see the override reasons. Codes are stable (they are
 * stored with each decision); texts may be reworded.
 */
export const LANGUAGES = ['en', 'fr', 'es', 'ar', 'ru', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Texts = Readonly<Record<Language, string>>;

/** Reasons the kiosk attaches to a CLEAR or REFER decision. */
export const DECISION_REASONS = {
  ALL_CHECKS_PASSED: {
    en: 'All checks passed.',
    fr: 'Tous les contrôles sont réussis.',
    es: 'Todas las comprobaciones son correctas.',
    ar: 'تم اجتياز جميع الفحوصات.',
    ru: 'Все проверки пройдены.',
    zh: '所有检查均已通过。',
  },
  MRZ_INVALID: {
    en: 'The machine-readable lines of your document could not be read reliably.',
    fr: 'Les lignes lisibles par machine de votre document n’ont pas pu être lues de façon fiable.',
    es: 'No se pudieron leer con fiabilidad las líneas de lectura mecánica de su documento.',
    ar: 'تعذرت قراءة الأسطر المقروءة آلياً في وثيقتك بشكل موثوق.',
    ru: 'Не удалось надёжно считать машиносчитываемые строки вашего документа.',
    zh: '无法可靠读取您证件上的机读码。',
  },
  DOCUMENT_EXPIRED: {
    en: 'Your document appears to have expired.',
    fr: 'Votre document semble expiré.',
    es: 'Su documento parece estar caducado.',
    ar: 'يبدو أن وثيقتك منتهية الصلاحية.',
    ru: 'Срок действия вашего документа, по-видимому, истёк.',
    zh: '您的证件似乎已过期。',
  },
  DOCUMENT_EXPIRY_UNKNOWN: {
    en: 'The expiry date of your document could not be read.',
    fr: 'La date d’expiration de votre document n’a pas pu être lue.',
    es: 'No se pudo leer la fecha de caducidad de su documento.',
    ar: 'تعذرت قراءة تاريخ انتهاء صلاحية وثيقتك.',
    ru: 'Не удалось прочитать дату окончания срока действия документа.',
    zh: '无法读取您证件的有效期。',
  },
  CHIP_NOT_READ: {
    en: 'The chip in your document could not be read.',
    fr: 'La puce de votre document n’a pas pu être lue.',
    es: 'No se pudo leer el chip de su documento.',
    ar: 'تعذرت قراءة الشريحة الموجودة في وثيقتك.',
    ru: 'Не удалось считать чип вашего документа.',
    zh: '无法读取您证件中的芯片。',
  },
  CHIP_ACCESS_DENIED: {
    en: 'The chip in your document did not accept the access key.',
    fr: 'La puce de votre document n’a pas accepté la clé d’accès.',
    es: 'El chip de su documento no aceptó la clave de acceso.',
    ar: 'لم تقبل شريحة وثيقتك مفتاح الوصول.',
    ru: 'Чип вашего документа не принял ключ доступа.',
    zh: '您证件中的芯片未接受访问密钥。',
  },
  CHIP_PA_INVALID: {
    en: 'The digital signature of the chip data could not be confirmed.',
    fr: 'La signature numérique des données de la puce n’a pas pu être confirmée.',
    es: 'No se pudo confirmar la firma digital de los datos del chip.',
    ar: 'تعذر تأكيد التوقيع الرقمي لبيانات الشريحة.',
    ru: 'Не удалось подтвердить цифровую подпись данных чипа.',
    zh: '无法确认芯片数据的数字签名。',
  },
  CHIP_PA_UNVERIFIABLE: {
    en: 'The issuer of your document’s chip could not be verified on this kiosk. This does not mean anything is wrong.',
    fr: 'L’émetteur de la puce de votre document n’a pas pu être vérifié sur cette borne. Cela ne signifie pas qu’il y a un problème.',
    es: 'No se pudo verificar en este quiosco el emisor del chip de su documento. Esto no significa que haya un problema.',
    ar: 'تعذر التحقق من جهة إصدار شريحة وثيقتك على هذا الجهاز. هذا لا يعني وجود أي مشكلة.',
    ru: 'Не удалось проверить издателя чипа вашего документа на этом киоске. Это не означает, что что-то не так.',
    zh: '本机无法验证您证件芯片的签发机构。这并不表示存在问题。',
  },
  CHIP_PA_NOT_PERFORMED: {
    en: 'The chip data could not be checked.',
    fr: 'Les données de la puce n’ont pas pu être contrôlées.',
    es: 'No se pudieron comprobar los datos del chip.',
    ar: 'تعذر فحص بيانات الشريحة.',
    ru: 'Не удалось проверить данные чипа.',
    zh: '无法核验芯片数据。',
  },
  CHIP_AA_INVALID: {
    en: 'The chip did not prove that it is genuine.',
    fr: 'La puce n’a pas prouvé son authenticité.',
    es: 'El chip no demostró ser auténtico.',
    ar: 'لم تثبت الشريحة أنها أصلية.',
    ru: 'Чип не подтвердил свою подлинность.',
    zh: '芯片未能证明其真实性。',
  },
  CHIP_CA_INVALID: {
    en: 'The chip did not complete its security check.',
    fr: 'La puce n’a pas terminé son contrôle de sécurité.',
    es: 'El chip no completó su comprobación de seguridad.',
    ar: 'لم تكمل الشريحة فحصها الأمني.',
    ru: 'Чип не прошёл проверку безопасности.',
    zh: '芯片未完成安全检查。',
  },
  MRZ_DG1_MISMATCH: {
    en: 'The printed data and the chip data of your document do not match.',
    fr: 'Les données imprimées et celles de la puce ne concordent pas.',
    es: 'Los datos impresos y los del chip de su documento no coinciden.',
    ar: 'البيانات المطبوعة وبيانات الشريحة في وثيقتك غير متطابقة.',
    ru: 'Напечатанные данные и данные чипа вашего документа не совпадают.',
    zh: '您证件的印刷信息与芯片信息不一致。',
  },
  CHECK_FAILED: {
    en: 'A document check did not pass.',
    fr: 'Un contrôle du document n’a pas réussi.',
    es: 'Una comprobación del documento no fue superada.',
    ar: 'لم يجتز أحد فحوصات الوثيقة.',
    ru: 'Одна из проверок документа не пройдена.',
    zh: '一项证件检查未通过。',
  },
  CHECK_INCONCLUSIVE: {
    en: 'A document check gave no clear result.',
    fr: 'Un contrôle du document n’a pas donné de résultat clair.',
    es: 'Una comprobación del documento no dio un resultado claro.',
    ar: 'لم يعطِ أحد فحوصات الوثيقة نتيجة واضحة.',
    ru: 'Одна из проверок документа не дала однозначного результата.',
    zh: '一项证件检查没有得出明确结果。',
  },
  CHECK_NOT_RUN: {
    en: 'A required document check could not be run.',
    fr: 'Un contrôle obligatoire du document n’a pas pu être effectué.',
    es: 'No se pudo realizar una comprobación obligatoria del documento.',
    ar: 'تعذر إجراء أحد فحوصات الوثيقة المطلوبة.',
    ru: 'Не удалось выполнить обязательную проверку документа.',
    zh: '一项必需的证件检查未能执行。',
  },
  TRAVELLER_REQUESTED_REVIEW: {
    en: 'You asked to see an officer.',
    fr: 'Vous avez demandé à voir un agent.',
    es: 'Usted pidió ver a un agente.',
    ar: 'لقد طلبت مقابلة موظف.',
    ru: 'Вы попросили позвать сотрудника.',
    zh: '您已请求工作人员协助。',
  },
  SESSION_TIMEOUT: {
    en: 'The process took too long to complete.',
    fr: 'La procédure a pris trop de temps.',
    es: 'El proceso tardó demasiado en completarse.',
    ar: 'استغرقت العملية وقتاً أطول من اللازم.',
    ru: 'Процедура заняла слишком много времени.',
    zh: '流程用时过长，未能完成。',
  },
  SCANNER_FAULT: {
    en: 'The document scanner is not working.',
    fr: 'Le lecteur de documents ne fonctionne pas.',
    es: 'El escáner de documentos no funciona.',
    ar: 'ماسح الوثائق لا يعمل.',
    ru: 'Сканер документов не работает.',
    zh: '证件扫描仪无法工作。',
  },
  DEVICE_ERROR: {
    en: 'A device of this kiosk did not work as expected.',
    fr: 'Un appareil de cette borne n’a pas fonctionné correctement.',
    es: 'Un dispositivo de este quiosco no funcionó como se esperaba.',
    ar: 'لم يعمل أحد أجهزة هذا الكشك كما هو متوقع.',
    ru: 'Одно из устройств киоска сработало неправильно.',
    zh: '本机的一个设备未正常工作。',
  },
  STORAGE_UNAVAILABLE: {
    en: 'This kiosk could not record the result.',
    fr: 'Cette borne n’a pas pu enregistrer le résultat.',
    es: 'Este quiosco no pudo registrar el resultado.',
    ar: 'لم يتمكن هذا الكشك من تسجيل النتيجة.',
    ru: 'Киоск не смог сохранить результат.',
    zh: '本机无法记录结果。',
  },
  INTERNAL_ERROR: {
    en: 'This kiosk had a technical problem.',
    fr: 'Cette borne a rencontré un problème technique.',
    es: 'Este quiosco tuvo un problema técnico.',
    ar: 'واجه هذا الكشك مشكلة فنية.',
    ru: 'В киоске произошёл технический сбой.',
    zh: '本机出现技术问题。',
  },
} as const satisfies Record<string, Texts>;

export type DecisionReasonCode = keyof typeof DECISION_REASONS;

/** What the traveller is told to do, per situation. */
export const GUIDANCE = {
  CLEAR: {
    en: 'You may proceed.',
    fr: 'Vous pouvez passer.',
    es: 'Puede continuar.',
    ar: 'يمكنك المتابعة.',
    ru: 'Вы можете проходить.',
    zh: '您可以通行。',
  },
  REFER: {
    en: 'Please go to the officer’s desk. An officer will review your document; this is not a refusal.',
    fr: 'Veuillez vous rendre au guichet. Un agent examinera votre document ; ce n’est pas un refus.',
    es: 'Diríjase al mostrador del agente. Un agente revisará su documento; no se trata de una denegación.',
    ar: 'يرجى التوجه إلى مكتب الموظف. سيراجع أحد الموظفين وثيقتك؛ وهذا ليس رفضاً.',
    ru: 'Пожалуйста, подойдите к стойке сотрудника. Сотрудник проверит ваш документ; это не отказ.',
    zh: '请前往工作人员柜台。工作人员将审核您的证件，这并非拒绝。',
  },
  REVIEW_HINT: {
    en: 'You can ask for an officer at any time with the “Ask for an officer” button.',
    fr: 'Vous pouvez demander un agent à tout moment avec le bouton « Demander un agent ».',
    es: 'Puede pedir un agente en cualquier momento con el botón «Pedir un agente».',
    ar: 'يمكنك طلب موظف في أي وقت بالضغط على زر «طلب موظف».',
    ru: 'Вы можете в любой момент позвать сотрудника кнопкой «Позвать сотрудника».',
    zh: '您可随时按“请求工作人员”按钮寻求协助。',
  },
  SCANNER_FAULT: {
    en: 'The scanner is out of order. Please take your document and go to the officer’s desk.',
    fr: 'Le lecteur est hors service. Reprenez votre document et rendez-vous au guichet.',
    es: 'El escáner está averiado. Recoja su documento y diríjase al mostrador del agente.',
    ar: 'الماسح معطل. يرجى أخذ وثيقتك والتوجه إلى مكتب الموظف.',
    ru: 'Сканер не работает. Заберите документ и подойдите к стойке сотрудника.',
    zh: '扫描仪故障。请取回证件并前往工作人员柜台。',
  },
  PLACE_DOCUMENT: {
    en: 'Place your passport open at the photo page on the scanner.',
    fr: 'Posez votre passeport ouvert à la page photo sur le lecteur.',
    es: 'Coloque su pasaporte abierto por la página de la foto sobre el escáner.',
    ar: 'ضع جواز سفرك مفتوحاً على صفحة الصورة فوق الماسح.',
    ru: 'Положите паспорт на сканер, открыв на странице с фотографией.',
    zh: '请将护照翻到照片页并放在扫描仪上。',
  },
  KEEP_DOCUMENT_STILL: {
    en: 'Keep your document on the reader while the chip is read.',
    fr: 'Laissez votre document sur le lecteur pendant la lecture de la puce.',
    es: 'Mantenga el documento sobre el lector mientras se lee el chip.',
    ar: 'أبقِ وثيقتك على القارئ أثناء قراءة الشريحة.',
    ru: 'Не убирайте документ со считывателя, пока читается чип.',
    zh: '读取芯片时请勿移动证件。',
  },
  TIMEOUT_WARNING: {
    en: 'Do you need more time? Touch “More time” to continue.',
    fr: 'Avez-vous besoin de plus de temps ? Touchez « Plus de temps » pour continuer.',
    es: '¿Necesita más tiempo? Toque «Más tiempo» para continuar.',
    ar: 'هل تحتاج إلى مزيد من الوقت؟ المس «وقت إضافي» للمتابعة.',
    ru: 'Нужно больше времени? Нажмите «Ещё время», чтобы продолжить.',
    zh: '需要更多时间吗？请点击“延长时间”继续。',
  },
  CANCELLED: {
    en: 'Cancelled. Please take your document.',
    fr: 'Annulé. Veuillez reprendre votre document.',
    es: 'Cancelado. Recoja su documento.',
    ar: 'تم الإلغاء. يرجى أخذ وثيقتك.',
    ru: 'Отменено. Заберите документ.',
    zh: '已取消。请取回您的证件。',
  },
} as const satisfies Record<string, Texts>;

export type GuidanceCode = keyof typeof GUIDANCE;

/** Reasons an officer must give with an override (shown on the officer screens). */
export const OVERRIDE_REASONS = {
  OVR_IDENTITY_VERIFIED: {
    en: 'Identity verified in person by the officer.',
    fr: 'Identité vérifiée en personne par l’agent.',
    es: 'Identidad verificada en persona por el agente.',
    ar: 'تحقق الموظف من الهوية شخصياً.',
    ru: 'Личность проверена сотрудником лично.',
    zh: '工作人员已当面核实身份。',
  },
  OVR_DOCUMENT_VERIFIED: {
    en: 'Document examined and found genuine.',
    fr: 'Document examiné et jugé authentique.',
    es: 'Documento examinado y considerado auténtico.',
    ar: 'فُحصت الوثيقة ووُجدت أصلية.',
    ru: 'Документ осмотрен и признан подлинным.',
    zh: '证件经检查确认为真实。',
  },
  OVR_TECHNICAL_FAULT: {
    en: 'The referral was caused by a technical fault.',
    fr: 'Le renvoi est dû à une panne technique.',
    es: 'La derivación se debió a un fallo técnico.',
    ar: 'كانت الإحالة بسبب عطل فني.',
    ru: 'Направление вызвано техническим сбоем.',
    zh: '转交是由技术故障引起的。',
  },
  OVR_FURTHER_EXAMINATION: {
    en: 'Further examination needed.',
    fr: 'Un examen complémentaire est nécessaire.',
    es: 'Se necesita un examen adicional.',
    ar: 'يلزم إجراء فحص إضافي.',
    ru: 'Требуется дополнительная проверка.',
    zh: '需要进一步检查。',
  },
  OVR_DOCUMENT_NOT_VALID: {
    en: 'The document is not valid for travel.',
    fr: 'Le document n’est pas valable pour voyager.',
    es: 'El documento no es válido para viajar.',
    ar: 'الوثيقة غير صالحة للسفر.',
    ru: 'Документ недействителен для поездок.',
    zh: '该证件不能用于出行。',
  },
  OVR_ENTRY_CONDITIONS_NOT_MET: {
    en: 'The conditions of entry are not met.',
    fr: 'Les conditions d’entrée ne sont pas remplies.',
    es: 'No se cumplen las condiciones de entrada.',
    ar: 'شروط الدخول غير مستوفاة.',
    ru: 'Условия въезда не выполнены.',
    zh: '不符合入境条件。',
  },
  OVR_RESCAN: {
    en: 'The document should be scanned again.',
    fr: 'Le document doit être scanné à nouveau.',
    es: 'El documento debe escanearse de nuevo.',
    ar: 'يجب مسح الوثيقة مرة أخرى.',
    ru: 'Документ нужно отсканировать снова.',
    zh: '证件需要重新扫描。',
  },
  OVR_OTHER: {
    en: 'Other reason (see the officer’s note).',
    fr: 'Autre motif (voir la note de l’agent).',
    es: 'Otro motivo (ver la nota del agente).',
    ar: 'سبب آخر (انظر ملاحظة الموظف).',
    ru: 'Другая причина (см. примечание сотрудника).',
    zh: '其他原因（见工作人员备注）。',
  },
} as const satisfies Record<string, Texts>;

/**
 * Plain-language texts for the reason codes of the document checks (main/checks), shown to the
 * traveller in place of the generic CHECK_FAILED / CHECK_INCONCLUSIVE text when a decision reason
 * carries one of them as its detail. Codes about the kiosk's own models are left out: for those the
 * generic "a required check could not be run" is the honest text.
 */
export const CHECK_DETAIL_REASONS = {
  IMAGE_BLURRED: {
    en: 'The picture of your passport page was not sharp enough.',
    fr: 'L’image de la page de votre passeport n’était pas assez nette.',
    es: 'La imagen de la página de su pasaporte no era lo bastante nítida.',
    ar: 'لم تكن صورة صفحة جواز سفرك واضحة بما يكفي.',
    ru: 'Изображение страницы вашего паспорта недостаточно чёткое.',
    zh: '您护照页面的图像不够清晰。',
  },
  IMAGE_GLARE: {
    en: 'A reflection of light covered part of your passport page.',
    fr: 'Un reflet de lumière couvrait une partie de la page de votre passeport.',
    es: 'Un reflejo de luz cubría parte de la página de su pasaporte.',
    ar: 'غطّى انعكاس الضوء جزءاً من صفحة جواز سفرك.',
    ru: 'Блик света закрыл часть страницы вашего паспорта.',
    zh: '反光遮挡了您护照页面的一部分。',
  },
  IMAGE_UNDEREXPOSED: {
    en: 'The picture of your passport page was too dark.',
    fr: 'L’image de la page de votre passeport était trop sombre.',
    es: 'La imagen de la página de su pasaporte era demasiado oscura.',
    ar: 'كانت صورة صفحة جواز سفرك داكنة جداً.',
    ru: 'Изображение страницы вашего паспорта слишком тёмное.',
    zh: '您护照页面的图像太暗。',
  },
  IMAGE_OVEREXPOSED: {
    en: 'The picture of your passport page was too bright.',
    fr: 'L’image de la page de votre passeport était trop claire.',
    es: 'La imagen de la página de su pasaporte era demasiado clara.',
    ar: 'كانت صورة صفحة جواز سفرك ساطعة جداً.',
    ru: 'Изображение страницы вашего паспорта слишком светлое.',
    zh: '您护照页面的图像太亮。',
  },
  IMAGE_CROPPED: {
    en: 'Your passport page was not fully on the glass.',
    fr: 'La page de votre passeport n’était pas entièrement sur la vitre.',
    es: 'La página de su pasaporte no estaba completamente sobre el cristal.',
    ar: 'لم تكن صفحة جواز سفرك موضوعة بالكامل على الزجاج.',
    ru: 'Страница паспорта лежала на стекле не полностью.',
    zh: '您的护照页面没有完全放在玻璃上。',
  },
  IMAGE_BLANK: {
    en: 'No passport page could be seen on the glass.',
    fr: 'Aucune page de passeport n’était visible sur la vitre.',
    es: 'No se veía ninguna página de pasaporte sobre el cristal.',
    ar: 'لم تظهر أي صفحة جواز سفر على الزجاج.',
    ru: 'На стекле не видно страницы паспорта.',
    zh: '玻璃上看不到护照页面。',
  },
  FACE_NOT_FOUND: {
    en: 'The photo on your passport page could not be found.',
    fr: 'La photo de la page de votre passeport n’a pas été trouvée.',
    es: 'No se encontró la foto en la página de su pasaporte.',
    ar: 'تعذر العثور على الصورة في صفحة جواز سفرك.',
    ru: 'Не удалось найти фотографию на странице паспорта.',
    zh: '未能在您的护照页面上找到照片。',
  },
  FACE_UNCERTAIN: {
    en: 'The photo on your passport page was not clear enough to check.',
    fr: 'La photo de la page de votre passeport n’était pas assez nette pour être vérifiée.',
    es: 'La foto de la página de su pasaporte no era lo bastante clara para comprobarla.',
    ar: 'لم تكن الصورة في صفحة جواز سفرك واضحة بما يكفي للتحقق منها.',
    ru: 'Фотография на странице паспорта недостаточно чёткая для проверки.',
    zh: '您护照页面上的照片不够清晰，无法核验。',
  },
  MRZ_NOT_FOUND: {
    en: 'The machine-readable lines could not be found on the picture of your passport page.',
    fr: 'Les lignes lisibles par machine n’ont pas été trouvées sur l’image de la page de votre passeport.',
    es: 'No se encontraron las líneas de lectura mecánica en la imagen de la página de su pasaporte.',
    ar: 'تعذر العثور على الأسطر المقروءة آلياً في صورة صفحة جواز سفرك.',
    ru: 'На изображении страницы паспорта не найдены машиносчитываемые строки.',
    zh: '在您护照页面的图像上未找到机读码。',
  },
  MRZ_MISMATCH: {
    en: 'The details printed on your passport page do not match the other readings of your document.',
    fr: 'Les données imprimées sur la page de votre passeport ne concordent pas avec les autres lectures de votre document.',
    es: 'Los datos impresos en la página de su pasaporte no coinciden con las demás lecturas de su documento.',
    ar: 'البيانات المطبوعة في صفحة جواز سفرك لا تطابق القراءات الأخرى لوثيقتك.',
    ru: 'Данные на странице паспорта не совпадают с другими считываниями вашего документа.',
    zh: '您护照页面上印刷的信息与证件的其他读取结果不一致。',
  },
} as const satisfies Record<string, Texts>;

export type OverrideReasonCode = keyof typeof OVERRIDE_REASONS;

export function isDecisionReasonCode(code: string): code is DecisionReasonCode {
  return Object.prototype.hasOwnProperty.call(DECISION_REASONS, code);
}

export function isOverrideReasonCode(code: string): code is OverrideReasonCode {
  return Object.prototype.hasOwnProperty.call(OVERRIDE_REASONS, code);
}

/** The text of any reason or guidance code, in a language (English when the language is unknown). */
export function reasonText(code: string, lang: string = 'en'): string | undefined {
  const l = ((LANGUAGES as readonly string[]).includes(lang) ? lang : 'en') as Language;
  const table: Record<string, Texts> = { ...DECISION_REASONS, ...GUIDANCE, ...OVERRIDE_REASONS, ...CHECK_DETAIL_REASONS };
  return Object.prototype.hasOwnProperty.call(table, code) ? table[code]![l] : undefined;
}

/** Every code with its texts, for the UI to ship as one catalogue. */
export function reasonCatalogue(): { decision: Record<string, Texts>; guidance: Record<string, Texts>; override: Record<string, Texts>; checks: Record<string, Texts> } {
  return { decision: DECISION_REASONS, guidance: GUIDANCE, override: OVERRIDE_REASONS, checks: CHECK_DETAIL_REASONS };
}
