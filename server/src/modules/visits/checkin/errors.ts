import { FhirError } from '../../../platform/http/operation-outcome.js';
import { AnswersError } from './answers.js';
import { DeviceCheckError } from './device-check.js';

/**
 * A check-in refusal as the API answers it: answers that fail their Questionnaire are 422 with one
 * issue per problem (linkId and code: never the answer), a malformed device check is 400. Anything
 * else is returned as it is, for the app's error handler.
 */
export function checkinHttpError(err: unknown): unknown {
  if (err instanceof AnswersError) {
    return new FhirError(
      422,
      err.problems.map((p) => ({
        severity: 'error' as const,
        code: p.problem === 'required' ? ('required' as const) : ('value' as const),
        diagnostics: `${p.linkId}: ${p.problem}`,
        expression: [`QuestionnaireResponse.item.where(linkId='${p.linkId}')`],
      })),
    );
  }
  if (err instanceof DeviceCheckError)
    return new FhirError(400, { severity: 'error', code: 'invalid', diagnostics: err.message });
  return err;
}
