/**
 * Evaluators over embeddings and model outputs (plain tensors / arrays in, numbers out):
 * zero-shot, retrieval, linear probe, reconstruction, compositional probe, diagnostics,
 * and the registry that runs whichever apply to an `EvalContext`.
 */
export type { DenseInput, IntInput } from './inputs';
export { PROMPT_TEMPLATES, fillTemplate, buildPrompts } from './templates';
export type { TemplateKind } from './templates';
export { zeroShot } from './zero_shot';
export type { ZeroShotInput, ZeroShotResult, TextEncoderFn } from './zero_shot';
export { retrieval, retrievalSamples, chanceRecall, chanceMeanRank } from './retrieval';
export type { RetrievalInput, RetrievalResult, DirectionResult } from './retrieval';
export { linearProbe } from './linear_probe';
export type { LinearProbeInput, LinearProbeResult } from './linear_probe';
export {
  pixelReconstruction, combinePixelStats, psnrFromMse, tokenAccuracy, combineTokenStats,
  pixelReconstructionPerImage, tokenAccuracyPerRow, mostFrequentShare, pixelSamples, tokenSample,
} from './reconstruction';
export type { PixelReconstructionInput, PixelStats, TokenAccuracyInput, TokenStats, PerImagePixelStats, PerRowTokenStats } from './reconstruction';
export { classCounts, balancedAccuracyItems, majorityShare, accuracySample, balancedAccuracySample } from './classification';
export { compositionalProbe, compositionalScores, compositionalSamples, SWAP_KINDS } from './compositional';
export type { PairScore, CompositionalResult, CompositionalEmbeddingsInput } from './compositional';
export { diagnostics, uniformity } from './diagnostics';
export { fitAlignmentProbe } from './alignment_probe';
export type { AlignmentProbe, AlignmentProbeInput } from './alignment_probe';
export type { DiagnosticsInput, DiagnosticsResult } from './diagnostics';
export { symmetricEigenvalues, singularValues, effectiveRankOf } from './eigen';
export {
  runEvaluators, DEFAULT_EVALUATORS, zeroShotEvaluator, retrievalEvaluator, linearProbeEvaluator,
  reconstructionEvaluator, compositionalEvaluator, diagnosticsEvaluator,
} from './registry';
export type { Evaluator, EvalContext, RunEvaluatorsOptions } from './registry';
export { meanSample, metricValues, itemShares } from './sample';
export type { MetricSample, MetricSamples } from './sample';
export { captionWords, corpusBleu, ciderD } from './caption_metrics';
export { nearestRows } from './nearest_caption';
