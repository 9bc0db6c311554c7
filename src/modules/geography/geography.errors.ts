/**
 * One error type for every geography input problem, so the upload page and the CLI can
 * show the message as it is and branch on `code` without parsing text.
 */

export type GeographyErrorCode =
  | 'unreadable_input'
  | 'invalid_json'
  | 'not_feature_collection'
  | 'invalid_feature'
  | 'missing_property'
  | 'invalid_code'
  | 'duplicate_code'
  | 'invalid_geometry'
  | 'outside_uk'
  | 'mixed_coordinate_systems'
  | 'invalid_csv'
  | 'missing_column'
  | 'invalid_value'
  | 'mixed_area_types';

export type GeographyErrorDetails = {
  /** 0-based index of the feature in the FeatureCollection's features array. */
  featureIndex?: number;
  property?: string;
  /** 1-based physical line in a CSV file, the header being line 1. */
  line?: number;
  column?: string;
};

export class GeographyError extends Error {
  readonly code: GeographyErrorCode;
  readonly details: GeographyErrorDetails;

  constructor(code: GeographyErrorCode, message: string, details: GeographyErrorDetails = {}) {
    super(message);
    this.name = 'GeographyError';
    this.code = code;
    this.details = details;
  }
}
