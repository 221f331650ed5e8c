/** A request body ready to POST to /data/collect. */
export interface EncodedRequest {
  contentType: string;
  body: string;
}
