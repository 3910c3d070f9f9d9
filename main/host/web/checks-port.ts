import type { Logger } from '../../base/log.js';
import type { DocumentChecker } from '../../checks/index.js';
import type { CheckEvidence, ChecksInput, DocumentChecksPort } from '../../kiosk/index.js';
import { buildMrz } from '../../mrz/index.js';

/**
 * The kiosk's checks port over main/checks: the data-page image from the scanner, the scanner's
 * MRZ and the chip's DG1 go in; evidence for every check comes out. No page image → every check
 * reports not-run (the policy refers when a required one is missing), never an exception.
 */
export function checksPort(checker: DocumentChecker, log: Logger): DocumentChecksPort {
  return {
    async run(input: ChecksInput): Promise<CheckEvidence[]> {
      const page = input.document.pageImage;
      if (!page) return [{ check: 'page-image', status: 'not-run', reasonCode: 'NO_PAGE_IMAGE' }];
      // The chip's DG1 as MRZ lines (rebuilt from its parsed fields) for the field-by-field cross-check.
      const dg1 = input.chip?.dg1;
      let chipLines: string[] | undefined;
      try {
        if (dg1?.format) chipLines = buildMrz(dg1.format, dg1.fields);
      } catch {
        chipLines = undefined;
      }
      try {
        const r = await checker.checkPage({
          image: page.bytes,
          scannerMrz: input.document.lines,
          ...(chipLines ? { chipDg1Mrz: chipLines } : {}),
          ...(input.chip?.faceImage?.bytes ? { chipFace: input.chip.faceImage.bytes } : {}),
        });
        return r.evidence.map((e) => ({
          check: e.check,
          status: e.status,
          reasonCode: e.reasonCode,
          ...(e.score !== undefined ? { score: e.score } : {}),
          ...(e.threshold !== undefined ? { threshold: e.threshold } : {}),
          ...(e.modelVersion !== undefined ? { modelVersion: e.modelVersion } : {}),
          ...(e.regions ? { regions: e.regions as unknown[] } : {}),
        }));
      } catch (e) {
        log.warn('document checks failed', { error: e instanceof Error ? e : new Error(String(e)) });
        return [{ check: 'page-image', status: 'not-run', reasonCode: 'CHECKS_FAILED' }];
      }
    },
  };
}
