// Public API of the volume baselines and spike detection (pure, shared by server and client).
export {
  MAD_TO_SIGMA,
  computeBaseline,
  detect,
  initialDetectorState,
  type Baseline,
  type BucketResult,
  type CurrentBucket,
  type DetectResult,
  type DetectorCore,
  type DetectorState,
} from "./detector.ts";
export { runSeries, spikeMask, type SeriesRun } from "./series-run.ts";
export {
  DEFAULT_DETECTOR_PARAMS,
  DETECTION_BUCKET_MINUTES,
  DETECTOR_PARAM_DOCS,
  TYPICAL_CHARGE_YEN,
  defaultParamsFor,
  defaultParamsForMetric,
  describeDetectorParams,
  detectorParamsSchema,
  resolveDetectorParams,
  type DetectionBucketMinutes,
  type DetectorParamInfo,
  type DetectorParamKey,
  type DetectorParams,
} from "./params.ts";
export {
  BUCKET_MINUTES_CHOICES,
  JST_OFFSET_MS,
  bucketStart,
  bucketStartMs,
  chooseBucketMinutes,
  slotOfDayJst,
  slotOfWeekJst,
} from "./time.ts";
export {
  METRIC_LABELS,
  VOLUME_METRICS,
  detectorLabel,
  parseStoredDetector,
  storedDetector,
  type StoredDetector,
  type BaselineKind,
  type DetectorKind,
  type Spike,
  type SpikeEvent,
  type VolumeMetric,
  type VolumeSeries,
} from "./types.ts";
