"""What the Pulumi engine cannot do, done with boto3: audit a live domain, tear one down."""
