/** English for check-in: identity, intake, consent, the device and network test, the survey. */
export const checkinEn = {
  'checkin.title': 'Check in for your visit',

  // Intake (pages/visits/IntakeForm.tsx). Item texts by linkId; the server's Questionnaire
  // (server/src/modules/visits/checkin/intake.ts) has them in English for other readers.
  'checkin.intake.title': 'Questions before your visit',
  'checkin.intake.lead': 'Your answers help your clinician prepare for the visit.',
  'checkin.intake.requiredNote': 'Questions marked with an asterisk (*) must be answered.',
  'checkin.intake.submit': 'Continue',
  'checkin.intake.fix': 'Some answers need your attention. Please see the messages below.',
  'checkin.intake.crisisTitle': 'If you need help now',
  'checkin.intake.item.reason': 'What is the main reason for your visit today?',
  'checkin.intake.item.symptom-onset': 'When did this start?',
  'checkin.intake.item.pain-score': 'How much pain are you in right now?',
  'checkin.intake.hint.pain-score': 'From 0 (no pain) to 10 (the worst pain you can imagine).',
  'checkin.intake.item.medications-changed':
    'Have any of your medicines changed since your last visit (new, stopped, or a different dose)?',
  'checkin.intake.yes.medications-changed': 'Yes, something has changed',
  'checkin.intake.no.medications-changed': 'No, my medicines are the same',
  'checkin.intake.item.allergy-changes': 'Do you have any new allergies, or changes to your allergies?',
  'checkin.intake.hint.allergy-changes':
    'If so, please describe them. Leave this empty if nothing has changed.',
  'checkin.intake.item.pharmacy': 'Which pharmacy should we send prescriptions to?',
  'checkin.intake.hint.pharmacy': 'Its name, and its address or the nearest cross streets.',
  'checkin.intake.item.location': 'Where are you right now?',
  'checkin.intake.hint.location':
    'City and state, or country if you are outside the United States. Clinicians can only see you where they are licensed.',
  'checkin.intake.item.callback-phone':
    'If the video fails, may we call you at the phone number we have on file?',
  'checkin.intake.yes.callback-phone': 'Yes, you may call me',
  'checkin.intake.no.callback-phone': 'No, please do not call me',
  'checkin.intake.item.crisis-notice':
    'If you are thinking about harming yourself or someone else, do not wait for this visit: call or text 988 (Suicide and Crisis Lifeline) or call 911 now.',
  'checkin.intake.item.phq2-interest':
    'Over the last 2 weeks, how often have you been bothered by little interest or pleasure in doing things?',
  'checkin.intake.item.phq2-down':
    'Over the last 2 weeks, how often have you been bothered by feeling down, depressed, or hopeless?',
  'checkin.intake.answer.today': 'Today',
  'checkin.intake.answer.1-3-days': '1 to 3 days ago',
  'checkin.intake.answer.4-7-days': '4 to 7 days ago',
  'checkin.intake.answer.1-4-weeks': '1 to 4 weeks ago',
  'checkin.intake.answer.over-a-month': 'More than a month ago',
  'checkin.intake.answer.no-new-symptoms': 'I have no new symptoms (this is a follow-up visit)',
  'checkin.intake.answer.LA6568-5': 'Not at all',
  'checkin.intake.answer.LA6569-3': 'Several days',
  'checkin.intake.answer.LA6570-1': 'More than half the days',
  'checkin.intake.answer.LA6571-9': 'Nearly every day',
  'checkin.problem.required': 'Please answer this question.',
  'checkin.problem.wrong-type': 'This answer is not in the right form.',
  'checkin.problem.out-of-range': 'Enter a whole number from {min} to {max}.',
  'checkin.problem.not-an-option': 'Please choose one of the answers.',
  'checkin.problem.too-long': 'Please shorten this answer to {max} characters or fewer.',
  'checkin.problem.invalid-text': 'This answer contains characters we cannot save. Please retype it.',
  'checkin.problem.unknown-item': 'This question is not part of the form.',
  'checkin.problem.unsupported-item': 'This question cannot be answered here. Your care team will ask you.',
  'checkin.characters': '{count} of {max} characters',

  // Telehealth consent (pages/visits/ConsentStep.tsx). Changing the text? Change
  // TELEHEALTH_CONSENT_VERSION in server/src/modules/visits/checkin/consent.ts too.
  'checkin.consent.title': 'Consent to a telehealth visit',
  'checkin.consent.p1':
    'A telehealth visit is a visit with your clinician by secure video, or by phone if the video does not work, instead of in person.',
  'checkin.consent.p2':
    'Your clinician cannot examine you in person. If a video visit is not enough to care for you safely, they may ask you to come in, go to urgent care, or have tests.',
  'checkin.consent.p3':
    'The visit is private and encrypted, and it is not recorded. Please join from a private place. Tell your clinician if anyone is with you.',
  'checkin.consent.p4':
    'We will ask where you are during the visit, because clinicians may only treat you where they are licensed.',
  'checkin.consent.p5':
    'Technology can fail. If the video stops, we may call you at the phone number we have on file, or ask you to book another visit.',
  'checkin.consent.p6':
    'Telehealth is not for emergencies. In an emergency, call 911 or go to the nearest emergency room.',
  'checkin.consent.p7': 'Your visit is billed like an in-person visit, and your insurance rules apply.',
  'checkin.consent.p8':
    'You may say no, or stop a telehealth visit at any time, and ask to be seen in person instead; this will not affect your care. You may withdraw this consent at any time by telling the clinic.',
  'checkin.consent.version': 'Consent version {version}',
  'checkin.consent.checkbox': 'I have read this and I agree to receive care by telehealth.',
  'checkin.consent.agree': 'I agree',
  'checkin.consent.mustAgree':
    'Please tick the box to agree. If you prefer to be seen in person, call the clinic.',

  // Device and network test (pages/visits/DeviceCheck.tsx).
  'checkin.device.title': 'Test your camera, microphone and connection',
  'checkin.device.lead':
    'This takes about half a minute. Your browser will ask to use your camera and microphone: please allow it.',
  'checkin.device.start': 'Start the test',
  'checkin.device.again': 'Test again',
  'checkin.device.continue': 'Continue',
  'checkin.device.continueAnyway': 'Continue anyway',
  'checkin.device.camera': 'Camera',
  'checkin.device.preview': 'Your camera preview',
  'checkin.device.microphone': 'Microphone',
  'checkin.device.micLevel': 'Microphone level',
  'checkin.device.micHint': 'Say something: the bar moves when your microphone hears you.',
  'checkin.device.speaker': 'Speakers or headphones',
  'checkin.device.playTone': 'Play a test sound',
  'checkin.device.speakerAsk': 'Did you hear the sound?',
  'checkin.device.heard': 'I heard it',
  'checkin.device.notHeard': 'I did not hear it',
  'checkin.device.speakerHeard': 'You heard the test sound.',
  'checkin.device.network': 'Internet connection',
  'checkin.device.phase.ping': 'Checking how quickly our server answers…',
  'checkin.device.phase.download': 'Measuring your download speed…',
  'checkin.device.phase.upload': 'Measuring your upload speed…',
  'checkin.device.download': 'Download: {kbps} kbps',
  'checkin.device.upload': 'Upload: {kbps} kbps',
  'checkin.device.rtt': 'Response time: {ms} ms',
  'checkin.device.downloadFailed': 'Download: could not be measured',
  'checkin.device.uploadFailed': 'Upload: could not be measured',
  'checkin.device.rttFailed': 'Response time: could not be measured',
  'checkin.device.status.checking': 'Checking…',
  'checkin.device.status.ok': 'Working',
  'checkin.device.status.denied': 'Blocked by the browser',
  'checkin.device.status.missing': 'Not found',
  'checkin.device.status.in-use': 'In use by another app',
  'checkin.device.status.error': 'Not working',
  'checkin.device.result': 'Result',
  'checkin.device.verdict.ready': 'You are ready for your video visit.',
  'checkin.device.verdict.audio-only': 'You can join your visit with sound only, without video.',
  'checkin.device.verdict.not-ready': 'Your device is not ready for the visit yet.',
  'checkin.device.notReadyHint':
    'Follow the steps below and test again. If it still does not work, continue: your clinician can call you by phone at the time of your visit.',
  'checkin.device.problem.camera-denied':
    'Your browser is blocking the camera: click the camera icon in the address bar and allow it, then test again.',
  'checkin.device.problem.camera-missing':
    'We could not find a camera. Connect one, or join from a phone or tablet with a camera.',
  'checkin.device.problem.camera-in-use':
    'Another app is using your camera. Close other video apps, then test again.',
  'checkin.device.problem.camera-error':
    'Your camera did not start. Close and reopen your browser, or try another browser or device.',
  'checkin.device.problem.mic-denied':
    'Your browser is blocking the microphone: click the camera or microphone icon in the address bar and allow it, then test again.',
  'checkin.device.problem.mic-missing':
    'We could not find a microphone. Connect a headset, or join from a phone or tablet.',
  'checkin.device.problem.mic-in-use':
    'Another app is using your microphone. Close other call or video apps, then test again.',
  'checkin.device.problem.mic-error':
    'Your microphone did not start. Close and reopen your browser, or try another browser or device.',
  'checkin.device.problem.speaker-not-heard':
    'Turn up the volume, check that your device is not muted, or connect headphones, then play the sound again.',
  'checkin.device.problem.offline':
    'We could not reach our server. Check your Wi-Fi or mobile data, then test again.',
  'checkin.device.problem.slow-download':
    'Your connection is slow for receiving video. Move closer to your Wi-Fi router, or pause other streaming and downloads.',
  'checkin.device.problem.slow-upload':
    'Your connection is slow for sending video. Move closer to your Wi-Fi router, or pause uploads such as photo backups.',
  'checkin.device.problem.high-latency':
    'Your connection is slow to respond. If you use a VPN or a busy network, try another network.',

  // End-of-visit survey (pages/visits/SurveyForm.tsx).
  'checkin.survey.title': 'How was your visit?',
  'checkin.survey.score': 'Overall, how satisfied are you with this video visit?',
  'checkin.survey.score.1': '1 – Very dissatisfied',
  'checkin.survey.score.2': '2 – Dissatisfied',
  'checkin.survey.score.3': '3 – Neither satisfied nor dissatisfied',
  'checkin.survey.score.4': '4 – Satisfied',
  'checkin.survey.score.5': '5 – Very satisfied',
  'checkin.survey.pickScore': 'Please choose a rating from 1 to 5.',
  'checkin.survey.comment': 'Is there anything you would like to tell us? (optional)',
  'checkin.survey.commentHint':
    'Please do not write medical questions here: send them to your care team in a message.',
  'checkin.survey.submit': 'Send',
} as const;
