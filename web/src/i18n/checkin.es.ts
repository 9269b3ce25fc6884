import type { checkinEn } from './checkin.en.js';

export const checkinEs: Record<keyof typeof checkinEn, string> = {
  'checkin.title': 'Registre su llegada a la consulta',

  'checkin.intake.title': 'Preguntas antes de su consulta',
  'checkin.intake.lead': 'Sus respuestas ayudan a su profesional de salud a prepararse para la consulta.',
  'checkin.intake.requiredNote': 'Las preguntas marcadas con un asterisco (*) son obligatorias.',
  'checkin.intake.submit': 'Continuar',
  'checkin.intake.fix': 'Algunas respuestas necesitan su atención. Consulte los mensajes a continuación.',
  'checkin.intake.crisisTitle': 'Si necesita ayuda ahora',
  'checkin.intake.item.reason': '¿Cuál es el motivo principal de su consulta de hoy?',
  'checkin.intake.item.symptom-onset': '¿Cuándo empezó?',
  'checkin.intake.item.pain-score': '¿Cuánto dolor tiene en este momento?',
  'checkin.intake.hint.pain-score': 'De 0 (ningún dolor) a 10 (el peor dolor que pueda imaginar).',
  'checkin.intake.item.medications-changed':
    '¿Ha cambiado alguno de sus medicamentos desde su última consulta (nuevos, suspendidos o con otra dosis)?',
  'checkin.intake.yes.medications-changed': 'Sí, algo ha cambiado',
  'checkin.intake.no.medications-changed': 'No, mis medicamentos son los mismos',
  'checkin.intake.item.allergy-changes': '¿Tiene alergias nuevas o cambios en sus alergias?',
  'checkin.intake.hint.allergy-changes':
    'Si es así, descríbalos. Deje este espacio vacío si nada ha cambiado.',
  'checkin.intake.item.pharmacy': '¿A qué farmacia debemos enviar sus recetas?',
  'checkin.intake.hint.pharmacy': 'Su nombre y su dirección o las calles más cercanas.',
  'checkin.intake.item.location': '¿Dónde se encuentra en este momento?',
  'checkin.intake.hint.location':
    'Ciudad y estado, o país si está fuera de los Estados Unidos. Los profesionales de salud solo pueden atenderle donde tienen licencia.',
  'checkin.intake.item.callback-phone':
    'Si falla el video, ¿podemos llamarle al número de teléfono que tenemos registrado?',
  'checkin.intake.yes.callback-phone': 'Sí, pueden llamarme',
  'checkin.intake.no.callback-phone': 'No, por favor no me llamen',
  'checkin.intake.item.crisis-notice':
    'Si está pensando en hacerse daño o hacer daño a otra persona, no espere a esta consulta: llame o envíe un mensaje de texto al 988 (Línea de Prevención del Suicidio y Crisis) o llame al 911 ahora.',
  'checkin.intake.item.phq2-interest':
    'Durante las últimas 2 semanas, ¿con qué frecuencia le ha molestado tener poco interés o placer en hacer las cosas?',
  'checkin.intake.item.phq2-down':
    'Durante las últimas 2 semanas, ¿con qué frecuencia le ha molestado sentirse decaído, deprimido o sin esperanza?',
  'checkin.intake.answer.today': 'Hoy',
  'checkin.intake.answer.1-3-days': 'Hace 1 a 3 días',
  'checkin.intake.answer.4-7-days': 'Hace 4 a 7 días',
  'checkin.intake.answer.1-4-weeks': 'Hace 1 a 4 semanas',
  'checkin.intake.answer.over-a-month': 'Hace más de un mes',
  'checkin.intake.answer.no-new-symptoms': 'No tengo síntomas nuevos (es una consulta de seguimiento)',
  'checkin.intake.answer.LA6568-5': 'Nunca',
  'checkin.intake.answer.LA6569-3': 'Varios días',
  'checkin.intake.answer.LA6570-1': 'Más de la mitad de los días',
  'checkin.intake.answer.LA6571-9': 'Casi todos los días',
  'checkin.problem.required': 'Responda esta pregunta, por favor.',
  'checkin.problem.wrong-type': 'Esta respuesta no tiene el formato correcto.',
  'checkin.problem.out-of-range': 'Escriba un número entero de {min} a {max}.',
  'checkin.problem.not-an-option': 'Elija una de las respuestas, por favor.',
  'checkin.problem.too-long': 'Acorte esta respuesta a {max} caracteres o menos, por favor.',
  'checkin.problem.invalid-text':
    'Esta respuesta tiene caracteres que no podemos guardar. Escríbala de nuevo.',
  'checkin.problem.unknown-item': 'Esta pregunta no forma parte del formulario.',
  'checkin.problem.unsupported-item':
    'Esta pregunta no se puede responder aquí. Su equipo de atención se la hará.',
  'checkin.characters': '{count} de {max} caracteres',

  'checkin.consent.title': 'Consentimiento para una consulta de telesalud',
  'checkin.consent.p1':
    'Una consulta de telesalud es una consulta con su profesional de salud por video seguro, o por teléfono si el video no funciona, en lugar de en persona.',
  'checkin.consent.p2':
    'Su profesional de salud no puede examinarle en persona. Si una consulta por video no basta para atenderle con seguridad, puede pedirle que venga a la clínica, que vaya a atención de urgencia o que se haga pruebas.',
  'checkin.consent.p3':
    'La consulta es privada y cifrada, y no se graba. Conéctese desde un lugar privado. Avise a su profesional de salud si alguien está con usted.',
  'checkin.consent.p4':
    'Le preguntaremos dónde se encuentra durante la consulta, porque los profesionales de salud solo pueden atenderle donde tienen licencia.',
  'checkin.consent.p5':
    'La tecnología puede fallar. Si el video se detiene, es posible que le llamemos al número de teléfono que tenemos registrado o que le pidamos programar otra consulta.',
  'checkin.consent.p6':
    'La telesalud no es para emergencias. En una emergencia, llame al 911 o vaya a la sala de emergencias más cercana.',
  'checkin.consent.p7':
    'Su consulta se factura como una consulta en persona, y se aplican las reglas de su seguro.',
  'checkin.consent.p8':
    'Puede decir que no, o detener una consulta de telesalud en cualquier momento, y pedir que le atiendan en persona; esto no afectará su atención. Puede retirar este consentimiento en cualquier momento avisando a la clínica.',
  'checkin.consent.version': 'Versión del consentimiento: {version}',
  'checkin.consent.checkbox': 'Leí este texto y acepto recibir atención por telesalud.',
  'checkin.consent.agree': 'Acepto',
  'checkin.consent.mustAgree':
    'Marque la casilla para aceptar. Si prefiere que le atiendan en persona, llame a la clínica.',

  'checkin.device.title': 'Pruebe su cámara, su micrófono y su conexión',
  'checkin.device.lead':
    'Tarda aproximadamente medio minuto. Su navegador le pedirá permiso para usar la cámara y el micrófono: permítalo, por favor.',
  'checkin.device.start': 'Comenzar la prueba',
  'checkin.device.again': 'Probar de nuevo',
  'checkin.device.continue': 'Continuar',
  'checkin.device.continueAnyway': 'Continuar de todos modos',
  'checkin.device.camera': 'Cámara',
  'checkin.device.preview': 'Vista previa de su cámara',
  'checkin.device.microphone': 'Micrófono',
  'checkin.device.micLevel': 'Nivel del micrófono',
  'checkin.device.micHint': 'Diga algo: la barra se mueve cuando el micrófono le escucha.',
  'checkin.device.speaker': 'Altavoces o auriculares',
  'checkin.device.playTone': 'Reproducir un sonido de prueba',
  'checkin.device.speakerAsk': '¿Escuchó el sonido?',
  'checkin.device.heard': 'Lo escuché',
  'checkin.device.notHeard': 'No lo escuché',
  'checkin.device.speakerHeard': 'Escuchó el sonido de prueba.',
  'checkin.device.network': 'Conexión a internet',
  'checkin.device.phase.ping': 'Comprobando la rapidez con que responde nuestro servidor…',
  'checkin.device.phase.download': 'Midiendo su velocidad de descarga…',
  'checkin.device.phase.upload': 'Midiendo su velocidad de subida…',
  'checkin.device.download': 'Descarga: {kbps} kb/s',
  'checkin.device.upload': 'Subida: {kbps} kb/s',
  'checkin.device.rtt': 'Tiempo de respuesta: {ms} ms',
  'checkin.device.downloadFailed': 'Descarga: no se pudo medir',
  'checkin.device.uploadFailed': 'Subida: no se pudo medir',
  'checkin.device.rttFailed': 'Tiempo de respuesta: no se pudo medir',
  'checkin.device.status.checking': 'Comprobando…',
  'checkin.device.status.ok': 'Funciona',
  'checkin.device.status.denied': 'Bloqueado por el navegador',
  'checkin.device.status.missing': 'No se encontró',
  'checkin.device.status.in-use': 'Otra aplicación lo está usando',
  'checkin.device.status.error': 'No funciona',
  'checkin.device.result': 'Resultado',
  'checkin.device.verdict.ready': 'Está listo para su consulta por video.',
  'checkin.device.verdict.audio-only': 'Puede unirse a su consulta solo con sonido, sin video.',
  'checkin.device.verdict.not-ready': 'Su dispositivo todavía no está listo para la consulta.',
  'checkin.device.notReadyHint':
    'Siga los pasos a continuación y pruebe de nuevo. Si sigue sin funcionar, continúe: su profesional de salud puede llamarle por teléfono a la hora de su consulta.',
  'checkin.device.problem.camera-denied':
    'Su navegador está bloqueando la cámara: haga clic en el ícono de la cámara en la barra de direcciones y permita el acceso; luego pruebe de nuevo.',
  'checkin.device.problem.camera-missing':
    'No encontramos una cámara. Conecte una o únase desde un teléfono o una tableta con cámara.',
  'checkin.device.problem.camera-in-use':
    'Otra aplicación está usando su cámara. Cierre las demás aplicaciones de video y pruebe de nuevo.',
  'checkin.device.problem.camera-error':
    'Su cámara no se encendió. Cierre y vuelva a abrir el navegador, o pruebe con otro navegador o dispositivo.',
  'checkin.device.problem.mic-denied':
    'Su navegador está bloqueando el micrófono: haga clic en el ícono de la cámara o del micrófono en la barra de direcciones y permita el acceso; luego pruebe de nuevo.',
  'checkin.device.problem.mic-missing':
    'No encontramos un micrófono. Conecte unos auriculares con micrófono o únase desde un teléfono o una tableta.',
  'checkin.device.problem.mic-in-use':
    'Otra aplicación está usando su micrófono. Cierre las demás aplicaciones de llamadas o de video y pruebe de nuevo.',
  'checkin.device.problem.mic-error':
    'Su micrófono no se encendió. Cierre y vuelva a abrir el navegador, o pruebe con otro navegador o dispositivo.',
  'checkin.device.problem.speaker-not-heard':
    'Suba el volumen, compruebe que su dispositivo no esté silenciado o conecte auriculares, y reproduzca el sonido de nuevo.',
  'checkin.device.problem.offline':
    'No pudimos comunicarnos con nuestro servidor. Revise su wifi o sus datos móviles y pruebe de nuevo.',
  'checkin.device.problem.slow-download':
    'Su conexión es lenta para recibir video. Acérquese a su router wifi o detenga otras transmisiones y descargas.',
  'checkin.device.problem.slow-upload':
    'Su conexión es lenta para enviar video. Acérquese a su router wifi o detenga subidas como las copias de seguridad de fotos.',
  'checkin.device.problem.high-latency':
    'Su conexión tarda en responder. Si usa una VPN o una red con mucho tráfico, pruebe con otra red.',

  'checkin.survey.title': '¿Cómo fue su consulta?',
  'checkin.survey.score': 'En general, ¿cuál es su grado de satisfacción con esta consulta por video?',
  'checkin.survey.score.1': '1 – Muy bajo',
  'checkin.survey.score.2': '2 – Bajo',
  'checkin.survey.score.3': '3 – Regular',
  'checkin.survey.score.4': '4 – Alto',
  'checkin.survey.score.5': '5 – Muy alto',
  'checkin.survey.pickScore': 'Elija una calificación del 1 al 5, por favor.',
  'checkin.survey.comment': '¿Hay algo más que quiera decirnos? (opcional)',
  'checkin.survey.commentHint':
    'No escriba preguntas médicas aquí, por favor: envíelas a su equipo de atención en un mensaje.',
  'checkin.survey.submit': 'Enviar',
};
