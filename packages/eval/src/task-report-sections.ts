import { classificationSection } from './classification-section.js';
import { seq2seqSection } from './seq2seq-section.js';
import type { TaskReportSection } from './task-report-section.js';

/**
 * Report sections by pipeline task. Tasks without an entry get the generic report only, and the
 * report says there is no task-specific analysis.
 */
export const taskReportSections: Readonly<Partial<Record<string, TaskReportSection>>> = {
  binaryClassification: classificationSection,
  multiclassClassification: classificationSection,
  seq2seq: seq2seqSection,
};
