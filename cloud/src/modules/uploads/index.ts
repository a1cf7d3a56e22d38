/** The uploads module's public face: stored images and their references. */
export { UploadService } from './upload.service';
