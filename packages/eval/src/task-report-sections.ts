import { classificationSection } from './classification-section.js';
import type { TaskReportSection } from './task-report-section.js';

/**
 * Report sections by pipeline task. Tasks without an entry (seq2seq, until its section exists)
 * get the generic report only, and the report says there is no task-specific analysis.
 */
export const taskReportSections: Readonly<Partial<Record<string, TaskReportSection>>> = {
  binaryClassification: classificationSection,
  multiclassClassification: classificationSection,
};
