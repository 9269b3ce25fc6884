import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { html } from '../../../src/auth/pages/html.js';
import { LOCALES, messages } from '../../../src/auth/pages/messages.js';
import {
  consentPage,
  errorPage,
  formatBirthDate,
  groupSecret,
  loggedOutPage,
  loginPage,
  logoutConfirmPage,
  mfaEnrollPage,
  mfaVerifyPage,
  patientPickerPage,
} from '../../../src/auth/pages/pages.js';
import { describeScope, type ConsentScope } from '../../../src/auth/pages/scopes.js';
import {
  CSRF,
  STYLESHEET_URL,
  SWITCH_URL,
  SCOPES,
  assertBalanced,
  context,
  everyPage,
  leakedFragments,
  longFragments,
  startTags,
  tagsNamed,
  visibleText,
} from './support.js';

const en = context('en');
const es = context('es');

/** The start tag with this id. */
function byId(doc: string, id: string) {
  const tag = startTags(doc).find((t) => t.attrs.get('id') === id);
  assert.ok(tag, `#${id}`);
  return tag;
}

function alertText(doc: string): string {
  const m = /<div class="alert" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(doc);
  assert.ok(m, 'an alert');
  return visibleText(`<body>${m[1]}</body>`).trim();
}

describe('sign-in pages: structure and accessibility', () => {
  for (const locale of LOCALES) {
    for (const { name, doc } of everyPage(locale)) {
      it(`${name} (${locale}) is a complete, accessible document`, () => {
        assert.ok(doc.startsWith('<!doctype html>\n'), 'doctype');
        assertBalanced(doc);
        const [htmlTag] = tagsNamed(doc, 'html');
        assert.equal(htmlTag?.attrs.get('lang'), locale);
        assert.equal(tagsNamed(doc, 'h1').length, 1, 'one h1');
        assert.equal(tagsNamed(doc, 'main').length, 1, 'one main');
        assert.match(doc, /<title>[^<]+ – OpenVisit<\/title>/);
        assert.ok(tagsNamed(doc, 'meta').some((t) => t.attrs.get('name') === 'viewport'));

        // Styles only from the stylesheet; no scripts of any kind.
        assert.doesNotMatch(doc, /<script/i);
        assert.doesNotMatch(doc, / style=/i);
        assert.doesNotMatch(doc, /<style/i);
        assert.ok(startTags(doc).every((t) => [...t.attrs.keys()].every((a) => !a.startsWith('on'))));
        const sheets = tagsNamed(doc, 'link').filter((t) => t.attrs.get('rel') === 'stylesheet');
        assert.deepEqual(
          sheets.map((t) => t.attrs.get('href')),
          [STYLESHEET_URL],
        );

        // Ids are unique, and every reference points at one.
        const ids = startTags(doc).flatMap((t) => (t.attrs.has('id') ? [t.attrs.get('id')] : []));
        assert.equal(new Set(ids).size, ids.length, 'unique ids');
        for (const t of startTags(doc)) {
          for (const ref of (t.attrs.get('aria-describedby') ?? '').split(' ').filter(Boolean))
            assert.ok(ids.includes(ref), `aria-describedby="${ref}"`);
        }

        // Every visible input has exactly one label bound by for/id.
        const labels = tagsNamed(doc, 'label').map((t) => t.attrs.get('for'));
        for (const input of tagsNamed(doc, 'input').filter((t) => t.attrs.get('type') !== 'hidden')) {
          const id = input.attrs.get('id');
          assert.ok(id, `input ${input.attrs.get('name')} has an id`);
          assert.equal(labels.filter((f) => f === id).length, 1, `one label for #${id}`);
          assert.ok(input.attrs.get('name'), 'inputs are named');
          if (input.attrs.get('type') !== 'radio')
            assert.ok(input.attrs.has('autocomplete'), `#${id} autocomplete`);
        }
        for (const f of labels) assert.ok(ids.includes(f), `label for="${f}" names an element`);

        // Every form posts and carries the CSRF token; every button says what it does.
        const forms = [...doc.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
        assert.equal(forms.length, tagsNamed(doc, 'form').length);
        for (const form of forms) {
          assert.equal(tagsNamed(form, 'form')[0]?.attrs.get('method'), 'post');
          const csrf = tagsNamed(form, 'input').filter((t) => t.attrs.get('name') === 'csrf');
          assert.equal(csrf.length, 1);
          assert.equal(csrf[0]?.attrs.get('type'), 'hidden');
          assert.equal(csrf[0]?.attrs.get('value'), CSRF);
          assert.match(
            form,
            /<button class="button button-(primary|secondary)" type="submit"[^>]*>[^<\s][^<]*<\/button>/,
          );
        }

        // The language switcher: one link per locale, in that language, the current one marked.
        const switches = tagsNamed(doc, 'a').filter((t) => t.attrs.has('hreflang'));
        assert.deepEqual(
          switches.map((t) => [t.attrs.get('href'), t.attrs.get('hreflang'), t.attrs.get('lang')]),
          LOCALES.map((l) => [`${SWITCH_URL}?lang=${l}`, l, l]),
        );
        assert.deepEqual(
          switches.filter((t) => t.attrs.get('aria-current') === 'true').map((t) => t.attrs.get('lang')),
          [locale],
        );
        const nav = tagsNamed(doc, 'nav')[0];
        assert.equal(nav?.attrs.get('aria-label'), messages[locale].languageNav);

        // An error is announced, named in the title, and linked to the fields it is about.
        const alerts = startTags(doc).filter((t) => t.attrs.get('role') === 'alert');
        const invalid = startTags(doc).filter((t) => t.attrs.get('aria-invalid') === 'true');
        if (alerts.length === 0) {
          assert.equal(invalid.length, 0, 'no invalid fields without an error');
          assert.doesNotMatch(doc, /<title>Error:/);
        } else {
          assert.equal(alerts.length, 1);
          assert.match(doc, /<title>Error: /);
          const alertId = alerts[0]?.attrs.get('id') ?? '';
          for (const field of invalid)
            assert.ok((field.attrs.get('aria-describedby') ?? '').split(' ').includes(alertId));
        }
      });
    }
  }

  it('sets aria-invalid on the fields an error is about, and only those', () => {
    const invalidIds = (doc: string) =>
      startTags(doc)
        .filter((t) => t.attrs.get('aria-invalid') === 'true')
        .map((t) => t.attrs.get('id'));
    const login = { ...en, action: '/l', tenantName: 'T', clientName: 'C' };
    assert.deepEqual(invalidIds(loginPage({ ...login, error: 'invalid', username: 'u' })), [
      'username',
      'password',
    ]);
    assert.deepEqual(invalidIds(loginPage({ ...login, error: 'required', username: 'u' })), ['password']);
    assert.deepEqual(invalidIds(loginPage({ ...login, error: 'required' })), ['username', 'password']);
    // Not about what was typed: announced, but no field is marked.
    assert.deepEqual(invalidIds(loginPage({ ...login, error: 'locked' })), []);
    assert.deepEqual(invalidIds(loginPage({ ...login, error: 'disabled' })), []);
    assert.deepEqual(invalidIds(loginPage({ ...login, error: 'federation' })), []);
    assert.deepEqual(invalidIds(mfaVerifyPage({ ...en, action: '/m', error: 'invalid-code' })), ['code']);
    assert.deepEqual(invalidIds(mfaVerifyPage({ ...en, action: '/m', error: 'locked' })), []);
    const enroll = { ...en, action: '/e', secret: 'ABCD', otpauthUri: 'otpauth://totp/x' };
    assert.deepEqual(invalidIds(mfaEnrollPage({ ...enroll, error: 'invalid-code' })), ['code']);
    const picker = { ...en, action: '/p', results: [{ id: 'a', name: 'A' }] };
    assert.deepEqual(invalidIds(patientPickerPage({ ...picker, error: 'query-required' })), [
      'patient-query',
    ]);
    assert.deepEqual(invalidIds(patientPickerPage({ ...picker, error: 'no-selection' })), ['patient-0']);
    const code = byId(mfaVerifyPage({ ...en, action: '/m', error: 'invalid-code' }), 'code');
    assert.equal(code.attrs.get('aria-describedby'), 'code-hint code-error');
  });

  it('uses the autocomplete and input modes password managers and phones expect', () => {
    const login = loginPage({ ...en, action: '/l', tenantName: 'T', clientName: 'C', username: 'jdoe' });
    assert.equal(byId(login, 'username').attrs.get('autocomplete'), 'username');
    assert.equal(byId(login, 'username').attrs.get('value'), 'jdoe');
    assert.equal(byId(login, 'password').attrs.get('autocomplete'), 'current-password');
    assert.equal(byId(login, 'password').attrs.get('type'), 'password');
    assert.equal(byId(login, 'password').attrs.has('value'), false, 'a password is never echoed');
    for (const doc of [
      mfaVerifyPage({ ...en, action: '/m' }),
      mfaEnrollPage({ ...en, action: '/e', secret: 'ABCD', otpauthUri: 'otpauth://totp/x' }),
    ]) {
      const code = byId(doc, 'code');
      assert.equal(code.attrs.get('autocomplete'), 'one-time-code');
      assert.equal(code.attrs.get('inputmode'), 'numeric');
      assert.equal(code.attrs.get('name'), 'code');
    }
  });
});

describe('sign-in pages: languages', () => {
  it('shows no English sentence on a Spanish page', () => {
    const enValues = Object.values(messages.en);
    const enPages = everyPage('en');
    const esPages = everyPage('es');
    for (const [i, page] of esPages.entries()) {
      assert.deepEqual(leakedFragments(page.doc, enValues), [], page.name);
      // The check is not vacuous: the English twin shows English fragments.
      assert.ok(leakedFragments(enPages[i]?.doc ?? '', enValues).length > 0, `${page.name} (en) has English`);
    }
    // And the reverse.
    for (const page of enPages)
      assert.deepEqual(leakedFragments(page.doc, Object.values(messages.es)), [], page.name);
  });

  it('catches an English string left in a Spanish page', () => {
    const doc = loginPage({ ...es, action: '/l', tenantName: 'T', clientName: 'C' }).replace(
      '</main>',
      `<p>${messages.en.loginErrorInvalid}</p></main>`,
    );
    assert.deepEqual(leakedFragments(doc, Object.values(messages.en)), [messages.en.loginErrorInvalid]);
    // Placeholders split a message, so shared values (names) never count as English.
    assert.deepEqual(longFragments(['{clientName} is asking you to sign in.', 'Hi {x}']), [
      'is asking you to sign in.',
    ]);
  });

  it('uses every message somewhere (no dead or missing text)', () => {
    const shown = everyPage('en')
      .map((p) => visibleText(p.doc))
      .join('\n');
    // Scope phrasings the fixtures do not reach are covered by the describeScope tests.
    const elsewhere = ['verbAccess', 'scopeResourceSystem', 'scopeAllUser'];
    for (const [key, value] of Object.entries(messages.en) as [string, string][]) {
      if (elsewhere.includes(key)) continue;
      const parts = value
        .split(/\{\w+\}/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      // Verbs start a sentence, so they are shown capitalised.
      assert.ok(
        parts.every((p) => shown.toLowerCase().includes(p.toLowerCase())),
        `${key} is never shown`,
      );
    }
  });
});

describe('sign-in pages: hostile values are escaped', () => {
  const XSS_ATTR = `"><img src=x onerror=alert(1)>`;
  const XSS_TEXT = `<script>alert('x')</script>`;
  const MIXED = `${XSS_TEXT}${XSS_ATTR}\`'`;

  function assertInert(doc: string) {
    assertBalanced(doc);
    assert.doesNotMatch(doc, /<script/i);
    assert.doesNotMatch(doc, /<img/i);
    assert.ok(startTags(doc).every((t) => [...t.attrs.keys()].every((a) => !a.startsWith('on'))));
  }

  it('escapes them in every page, in text and in attributes, and they read back unchanged', () => {
    const c = { ...en, csrf: MIXED, switchUrl: '/i/1' };
    const docs = [
      loginPage({
        ...c,
        action: '/l',
        tenantName: MIXED,
        clientName: XSS_TEXT,
        username: XSS_ATTR,
        error: 'disabled',
      }),
      mfaEnrollPage({ ...c, action: '/e', secret: MIXED, otpauthUri: `otpauth://totp/${XSS_ATTR}` }),
      mfaVerifyPage({ ...c, action: '/m', error: 'invalid-code' }),
      consentPage({
        ...c,
        action: '/c',
        abortAction: '/a',
        clientName: XSS_TEXT,
        patientName: MIXED,
        scopes: [
          { text: MIXED, description: { kind: 'other' } },
          {
            text: 'patient/x.r',
            description: {
              kind: 'resource',
              context: 'patient',
              resourceType: XSS_TEXT,
              interactions: ['r'],
            },
          },
        ],
      }),
      patientPickerPage({
        ...c,
        action: '/p',
        query: XSS_ATTR,
        results: [{ id: XSS_ATTR, name: XSS_TEXT, birthDate: XSS_ATTR }],
      }),
      patientPickerPage({ ...c, action: '/p', query: XSS_TEXT, results: [] }),
      errorPage({ ...c, title: 'generic', requestId: MIXED }),
      logoutConfirmPage({ ...c, action: '/o', clientName: XSS_TEXT }),
    ];
    for (const doc of docs) assertInert(doc);

    const [login, enroll, , consent, picker, emptyPicker, error, logout] = docs as [string, ...string[]];
    assert.equal(byId(login, 'username').attrs.get('value'), XSS_ATTR);
    assert.ok(visibleText(login).includes(`${XSS_TEXT} is asking you to sign in.`));
    assert.ok(visibleText(login).includes(`Sign in to ${MIXED}`));
    for (const doc of docs) {
      assert.ok(
        tagsNamed(doc, 'input').some(
          (t) => t.attrs.get('name') === 'csrf' && t.attrs.get('value') === MIXED,
        ) || !doc.includes('<form'),
      );
    }
    assert.ok(visibleText(enroll ?? '').includes(groupSecret(MIXED)));
    assert.ok(visibleText(consent ?? '').includes(`Other permission: ${MIXED}`));
    assert.ok(visibleText(consent ?? '').includes(`Read ${MIXED}’s ${XSS_TEXT} records`));
    assert.equal(byId(picker ?? '', 'patient-0').attrs.get('value'), XSS_ATTR);
    assert.equal(byId(picker ?? '', 'patient-query').attrs.get('value'), XSS_ATTR);
    assert.ok(visibleText(picker ?? '').includes(`Born ${XSS_ATTR}`), 'an invalid date is shown as text');
    assert.ok(visibleText(emptyPicker ?? '').includes(`No patients match “${XSS_TEXT}”`));
    assert.ok(visibleText(error ?? '').includes(MIXED));
    assert.ok(visibleText(logout ?? '').includes(`${XSS_TEXT} asked to sign you out.`));
  });

  it('links to the tenant’s identity provider by name, never with a script URL', () => {
    const login = { ...en, action: '/l', tenantName: 'T', clientName: 'C' };
    const doc = loginPage({ ...login, federation: { displayName: '<b>SSO</b>', url: '/i/x/federate' } });
    const links = tagsNamed(doc, 'a').filter((t) => !t.attrs.has('hreflang'));
    assert.deepEqual(
      links.map((t) => t.attrs.get('href')),
      ['/i/x/federate'],
    );
    assert.ok(visibleText(doc).includes('Sign in with <b>SSO</b>'), 'the name is text, not markup');
    const hostile = loginPage({ ...login, federation: { displayName: 'X', url: 'javascript:alert(1)' } });
    assert.doesNotMatch(hostile, /javascript:/i);
    assert.equal(
      alertText(
        loginPage({ ...login, error: 'federation', federation: { displayName: 'X', url: '/f' } }),
      ).startsWith('Signing in with X did not work'),
      true,
    );
    assert.ok(!loginPage(login).includes('federate'), 'no link without a provider');
  });

  it('keeps URLs it is given from becoming scripts', () => {
    const c = { ...en, assets: { stylesheetUrl: 'javascript:alert(1)' }, switchUrl: 'javascript:alert(2)//' };
    const doc = loginPage({ ...c, action: 'javascript:alert(3)', tenantName: 'T', clientName: 'C' });
    assert.doesNotMatch(doc, /javascript:/i);
    assert.equal(tagsNamed(doc, 'form')[0]?.attrs.get('action'), 'about:invalid');
    const enroll = mfaEnrollPage({ ...en, action: '/e', secret: 'ABCD', otpauthUri: 'javascript:alert(1)' });
    assert.doesNotMatch(enroll, /javascript:/i);
    assert.equal(tagsNamed(enroll, 'a').filter((t) => !t.attrs.has('hreflang')).length, 0, 'no app link');
    const consent = consentPage({
      ...en,
      action: '/c',
      abortAction: 'data:text/html,x',
      clientName: 'C',
      scopes: [],
    });
    assert.deepEqual(
      tagsNamed(consent, 'form').map((t) => t.attrs.get('action')),
      ['/c', 'about:invalid'],
    );
  });
});

describe('sign-in pages: content', () => {
  const login = {
    ...en,
    action: '/interaction/1/login',
    tenantName: 'Riverside Clinic',
    clientName: 'CareApp',
  };

  it('sign-in names the organisation and the app, and keeps errors generic', () => {
    const doc = loginPage(login);
    assert.match(doc, /<h1>Sign in to Riverside Clinic<\/h1>/);
    assert.match(doc, /<p><strong>CareApp<\/strong> is asking you to sign in\.<\/p>/);
    assert.equal(tagsNamed(doc, 'form')[0]?.attrs.get('action'), '/interaction/1/login');
    assert.equal(alertText(loginPage({ ...login, error: 'invalid' })), messages.en.loginErrorInvalid);
    assert.equal(alertText(loginPage({ ...login, error: 'required' })), messages.en.loginErrorRequired);
    assert.match(
      alertText(loginPage({ ...login, error: 'disabled' })),
      /Contact Riverside Clinic for help\./,
    );
    const es1 = loginPage({ ...login, ...es, action: '/l' });
    assert.match(es1, /<h1>Iniciar sesión en Riverside Clinic<\/h1>/);
  });

  it('a lock says when to try again, rounded up, and reads the same for any username', () => {
    const locked = (retryAfterSeconds?: number, username?: string, locale = en) =>
      alertText(loginPage({ ...login, ...locale, error: 'locked', retryAfterSeconds, username }));
    assert.match(locked(1), /Try again in 1 minute\.$/);
    assert.match(locked(60), /Try again in 1 minute\.$/);
    assert.match(locked(61), /Try again in 2 minutes\.$/);
    assert.match(locked(899), /Try again in 15 minutes\.$/);
    assert.match(locked(undefined), /Try again later\.$/);
    assert.match(locked(-5), /Try again later\.$/);
    assert.match(locked(Number.NaN), /Try again later\.$/);
    assert.match(locked(61, undefined, es), /Vuelva a intentarlo dentro de 2 minutos\.$/);
    assert.match(locked(30, undefined, es), /Vuelva a intentarlo dentro de 1 minuto\.$/);
    assert.equal(locked(300, 'real.user'), locked(300, 'no-such-user'));
    assert.doesNotMatch(locked(300, 'real.user'), /account|exist|real\.user/i);
    assert.doesNotMatch(
      alertText(loginPage({ ...login, error: 'invalid', username: 'x' })),
      /exist|unknown|not found/i,
    );
    const mfa = alertText(mfaVerifyPage({ ...en, action: '/m', error: 'locked', retryAfterSeconds: 125 }));
    assert.match(mfa, /^Too many incorrect codes.*Try again in 3 minutes\.$/);
  });

  it('authenticator enrolment shows the key in blocks of 4, the QR code with a text alternative, and the code field', () => {
    assert.equal(groupSecret('JBSWY3DPEHPK3PXP'), 'JBSW Y3DP EHPK 3PXP');
    assert.equal(groupSecret('jbsw y3dp-ehpk 3px'), 'jbsw y3dp ehpk 3px');
    assert.equal(groupSecret(''), '');
    const qr = html`<svg viewBox="0 0 21 21"><rect x="1" y="1" width="1" height="1"/></svg>`;
    const base = {
      ...en,
      action: '/e',
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DP',
      otpauthUri: 'otpauth://totp/OpenVisit:jdoe?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=OpenVisit',
    };
    const doc = mfaEnrollPage({ ...base, qrSvg: qr });
    assert.match(
      doc,
      /<figure class="secret">\s*<figcaption>Setup key<\/figcaption>\s*<code>JBSW Y3DP EHPK 3PXP JBSW Y3DP<\/code>/,
    );
    assert.match(
      doc,
      /<div class="qr" role="img" aria-label="QR code for adding OpenVisit to your authenticator app"><svg /,
    );
    assert.ok(doc.includes(String(qr)), 'the SVG is inserted as is');
    assert.ok(visibleText(doc).includes(messages.en.mfaEnrollManual));
    assert.ok(visibleText(doc).includes('Staff accounts need a second step'));
    const link = tagsNamed(doc, 'a').find((t) => !t.attrs.has('hreflang'));
    assert.equal(link?.attrs.get('href'), base.otpauthUri);
    const noQr = mfaEnrollPage(base);
    assert.doesNotMatch(noQr, /role="img"|<svg/);
    assert.ok(visibleText(noQr).includes(messages.en.mfaEnrollManualOnly));
    assert.equal(tagsNamed(doc, 'h2').length, 1);
  });

  it('authenticator verification asks for the 6-digit code', () => {
    const doc = mfaVerifyPage({ ...es, action: '/interaction/1/mfa' });
    assert.match(doc, /<h1>Escriba su código de verificación<\/h1>/);
    assert.match(doc, /<label for="code">Código de 6 dígitos<\/label>/);
    assert.equal(tagsNamed(doc, 'form')[0]?.attrs.get('action'), '/interaction/1/mfa');
  });

  it('consent lists the scopes in plain language and posts Allow and Deny to their actions', () => {
    const base = { action: '/allow', abortAction: '/deny', clientName: 'CareApp', scopes: SCOPES };
    const doc = consentPage({ ...en, ...base });
    const items = [...doc.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
    assert.deepEqual(items, [
      'Confirm who you are',
      'See your profile: your name and whether you are a patient or a member of staff',
      'Read and search your Observation records',
      'Read, search, create, update, and delete all your health records',
      'Create and update the Appointment records you have access to',
      'Read all health records in the system',
      'Stay signed in after you close the app',
      'Stay signed in while you are using the app',
      'Know what you are working on when it opens, such as the selected patient',
      'Know which patient is selected',
      'Know which visit is selected',
      'Other permission: acme.billing',
    ]);
    const esItems = [...consentPage({ ...es, ...base }).matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
    assert.equal(esItems[2], 'Leer y buscar sus registros de Observation');
    assert.equal(esItems[3], 'Leer, buscar, crear, modificar y eliminar todos sus registros de salud');
    assert.equal(esItems[4], 'Crear y modificar los registros de Appointment a los que usted tiene acceso');
    assert.equal(esItems[6], 'Mantener su sesión iniciada después de que cierre la aplicación');
    const forms = tagsNamed(doc, 'form').map((t) => t.attrs.get('action'));
    assert.deepEqual(forms, ['/allow', '/deny']);
    assert.match(doc, /<form method="post" action="\/allow"[^>]*>[\s\S]*?>Allow<\/button>\s*<\/form>/);
    assert.match(doc, /<form method="post" action="\/deny"[^>]*>[\s\S]*?>Don’t allow<\/button>\s*<\/form>/);
    assert.match(doc, /<h1>Allow CareApp to use your information\?<\/h1>/);
  });

  it('consent names the patient for a clinician’s launch', () => {
    const doc = consentPage({
      ...en,
      action: '/a',
      abortAction: '/d',
      clientName: 'CareApp',
      patientName: 'Ana Pérez',
      scopes: SCOPES.slice(2, 4),
    });
    assert.match(doc, /<p>Patient: <strong>Ana Pérez<\/strong><\/p>/);
    assert.ok(visibleText(doc).includes('Read and search Ana Pérez’s Observation records'));
    assert.ok(
      visibleText(doc).includes('Read, search, create, update, and delete all of Ana Pérez’s health records'),
    );
  });

  it('describes each scope by context, resource and interactions', () => {
    const resource = (
      context: 'patient' | 'user' | 'system',
      resourceType: string,
      interactions: ('c' | 'r' | 'u' | 'd' | 's')[],
    ): ConsentScope => ({
      text: 'x',
      description: { kind: 'resource', context, resourceType, interactions },
    });
    assert.equal(
      describeScope(resource('patient', 'Observation', ['s', 'r']), 'en'),
      'Read and search your Observation records',
    );
    assert.equal(
      describeScope(resource('patient', 'Observation', ['r', 's']), 'es'),
      'Leer y buscar sus registros de Observation',
    );
    assert.equal(describeScope(resource('patient', '*', ['r']), 'en'), 'Read all your health records');
    assert.equal(describeScope(resource('patient', '*', ['r']), 'es'), 'Leer todos sus registros de salud');
    assert.equal(
      describeScope(resource('user', '*', ['r']), 'es'),
      'Leer todos los registros de salud a los que usted tiene acceso',
    );
    assert.equal(
      describeScope(resource('system', 'Patient', ['d']), 'en'),
      'Delete all Patient records in the system',
    );
    assert.equal(
      describeScope(resource('system', 'Patient', ['d']), 'es'),
      'Eliminar todos los registros de Patient del sistema',
    );
    assert.equal(describeScope(resource('patient', 'Condition', []), 'en'), 'Access your Condition records');
    assert.equal(
      describeScope(resource('patient', 'Condition', []), 'es'),
      'Acceder a sus registros de Condition',
    );
    assert.equal(
      describeScope(resource('patient', 'Condition', ['r', 'r']), 'en'),
      'Read your Condition records',
    );
    assert.notEqual(
      describeScope(resource('patient', 'Observation', ['r']), 'en'),
      describeScope(resource('user', 'Observation', ['r']), 'en'),
    );
    assert.equal(
      describeScope(resource('patient', 'Observation', ['r']), 'es', 'Ana'),
      'Leer los registros de Observation de Ana',
    );
    // A patient name changes nothing outside patient context.
    assert.equal(
      describeScope(resource('user', 'Observation', ['r']), 'en', 'Ana'),
      'Read the Observation records you have access to',
    );
    assert.equal(
      describeScope({ text: 'offline_access', description: { kind: 'offline_access' } }, 'en'),
      'Stay signed in after you close the app',
    );
    assert.equal(describeScope({ text: 'x.y', description: { kind: 'other' } }, 'es'), 'Otro permiso: x.y');
  });

  it('consent lists a description once even when several scopes share it', () => {
    const doc = consentPage({
      ...en,
      action: '/a',
      abortAction: '/d',
      clientName: 'C',
      scopes: [SCOPES[2], SCOPES[2], SCOPES[0]] as ConsentScope[],
    });
    const list = /<ul class="scopes">([\s\S]*?)<\/ul>/.exec(doc)?.[1] ?? '';
    assert.equal([...list.matchAll(/<li>/g)].length, 2);
  });

  it('the patient picker searches by name and offers each result as a radio', () => {
    const results = [
      { id: 'p-1', name: 'Ana Pérez', birthDate: '1980-04-02' },
      { id: 'p-2', name: 'Ana Torres' },
    ];
    const doc = patientPickerPage({ ...en, action: '/pick', query: 'Ana', results });
    const query = byId(doc, 'patient-query');
    assert.equal(query.attrs.get('name'), 'query');
    assert.equal(query.attrs.get('type'), 'search');
    assert.equal(query.attrs.get('value'), 'Ana');
    assert.equal(query.attrs.get('autocomplete'), 'off');
    assert.equal(tagsNamed(doc, 'form')[0]?.attrs.get('role'), 'search');
    const radios = tagsNamed(doc, 'input').filter((t) => t.attrs.get('type') === 'radio');
    assert.deepEqual(
      radios.map((r) => [r.attrs.get('name'), r.attrs.get('value')]),
      [
        ['patient', 'p-1'],
        ['patient', 'p-2'],
      ],
    );
    assert.match(doc, /<legend>Patients matching “Ana”<\/legend>/);
    assert.ok(visibleText(doc).includes('2 patients found'));
    assert.ok(visibleText(doc).includes('Ana Pérez Born April 2, 1980'));
    assert.match(doc, /<time datetime="1980-04-02">April 2, 1980<\/time>/);
    // The query goes back with the choice, so an error can show the same results again.
    const choice = /<form[^>]*>((?:(?!<\/form>)[\s\S])*name="patient"[\s\S]*?)<\/form>/.exec(doc)?.[1] ?? '';
    assert.ok(
      tagsNamed(choice, 'input').some(
        (t) => t.attrs.get('name') === 'query' && t.attrs.get('value') === 'Ana',
      ),
    );
    assert.match(choice, /name="intent" value="select">Continue with this patient<\/button>/);

    const none = patientPickerPage({ ...es, action: '/pick', query: 'Zzyzx', results: [] });
    assert.ok(visibleText(none).includes('Ningún paciente coincide con «Zzyzx»'));
    assert.equal(tagsNamed(none, 'form').length, 1, 'only the search form');
    const start = patientPickerPage({ ...en, action: '/pick', results: [] });
    assert.doesNotMatch(visibleText(start), /No patients match/);
    assert.ok(
      visibleText(
        patientPickerPage({ ...es, action: '/p', query: 'A', results: results.slice(0, 1) }),
      ).includes('Se encontró 1 paciente'),
    );
  });

  it('formats birth dates in the reader’s language, full or partial', () => {
    assert.equal(
      String(formatBirthDate('1980-04-02', 'es')),
      '<time datetime="1980-04-02">2 de abril de 1980</time>',
    );
    assert.equal(String(formatBirthDate('1975-11', 'en')), '<time datetime="1975-11">November 1975</time>');
    assert.equal(String(formatBirthDate('1975', 'es')), '<time datetime="1975">1975</time>');
    assert.equal(String(formatBirthDate('1980-02-30', 'en')), '1980-02-30');
    assert.equal(String(formatBirthDate('1980-13', 'en')), '1980-13');
    assert.equal(String(formatBirthDate('<b>', 'en')), '&lt;b&gt;');
  });

  it('error pages are human and actionable, with the reference for support and nothing else', () => {
    const expired = errorPage({ ...en, title: 'expired' });
    assert.match(expired, /<h1>This sign-in link has expired<\/h1>/);
    assert.ok(visibleText(expired).includes('Go back to the app and start again.'));
    assert.doesNotMatch(expired, /reference|<code>/);
    const generic = errorPage({ ...es, title: 'generic', requestId: 'req-01J9ZX' });
    assert.match(generic, /<h1>Algo salió mal<\/h1>/);
    assert.match(generic, /indique esta referencia: <code>req-01J9ZX<\/code>/);
    const missing = errorPage({ ...en, title: 'not-found' });
    assert.match(missing, /<h1>Page not found<\/h1>/);
    for (const doc of [expired, generic, missing]) {
      assert.doesNotMatch(visibleText(doc), /[{}]|Error:|stack|undefined|null/);
      assert.equal(tagsNamed(doc, 'form').length, 0);
    }
  });

  it('sign-out pages confirm with one button and say who asked', () => {
    const confirm = logoutConfirmPage({ ...en, action: '/session/end/confirm', clientName: 'CareApp' });
    assert.match(confirm, /<h1>Sign out of OpenVisit everywhere\?<\/h1>/);
    assert.match(confirm, /<p><strong>CareApp<\/strong> asked to sign you out\.<\/p>/);
    assert.match(
      confirm,
      /<button class="button button-primary" type="submit" name="logout" value="yes">Sign out<\/button>/,
    );
    assert.equal(tagsNamed(confirm, 'form')[0]?.attrs.get('action'), '/session/end/confirm');
    assert.doesNotMatch(logoutConfirmPage({ ...es, action: '/x' }), /ha pedido cerrar/);
    const done = loggedOutPage(es);
    assert.match(done, /<h1>Ha cerrado la sesión<\/h1>/);
    assert.equal(tagsNamed(done, 'form').length, 0);
  });

  it('adds lang to a switch URL that already has a query, and keeps its fragment', () => {
    const doc = loggedOutPage({ ...en, switchUrl: '/session/end?x=1#top' });
    const hrefs = tagsNamed(doc, 'a').map((t) => t.attrs.get('href'));
    assert.deepEqual(hrefs, ['/session/end?x=1&lang=en#top', '/session/end?x=1&lang=es#top']);
  });
});
