// The AWS SDK's notice that future releases need Node 22 would repeat in every test file's output on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
