export { capturedEmailOf, startSmtpCapture, type CapturedEmail, type SmtpCapture } from '../email/testing/smtp-capture';
